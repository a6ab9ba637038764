"""What the demo's assessors write: observations, never conclusions, and never a name."""

SCHOOLS = ("Rosengårdskolen", "Abildgårdskolen", "Tingkærskolen")
LEISURE = (
    ("Klub Vollsmose", "club"),
    ("Ungdomsklubben Korsløkke", "club"),
    ("Odense Ungdomsskole", "youth_school"),
)
QUESTIONS = (
    "Hvordan oplever du den unges trivsel, venskaber og fremmøde i din hverdag?",
    "Hvad ser du af bekymringer og ressourcer hos den unge lige nu?",
)
RISK_EVIDENCE = (
    "Set sammen med ældre unge ved stationen flere aftener i uge {w}.",
    "{n} dages ulovligt fravær siden uge {w}; kommer ofte for sent om mandagen.",
    "Konflikt med en medelev i frikvarteret {d}/{m}; blev hurtigt vred og gik.",
    "Fortæller selv om sene aftener uden voksne hjemme (samtale {d}/{m}).",
    "Talte {d}/{m} om at 'skylde' nogle ældre drenge en tjeneste.",
    "Sover i timerne og virker træt; sagt flere gange siden uge {w}.",
)
RESILIENCE_EVIDENCE = (
    "Har god kontakt til klasselæreren og søger hende i pauserne (uge {w}).",
    "Kommer til fodbold to gange om ugen og er glad for holdet.",
    "Forælder deltog i samtalen {d}/{m} og vil gerne samarbejde.",
    "Har en fast ven i klassen, der trækker i en god retning.",
    "Taler om at ville være elektriker og har spurgt til praktik {d}/{m}.",
    "Deltager stabilt i klubbens madhold siden uge {w}.",
)
WORRY_REASONS = (
    "Fraværet stiger, og den unge trækker sig fra fællesskabet.",
    "Mange gode ressourcer, men nye venner uden for skolen bekymrer.",
    "Stabil i skolen, men meget alene om aftenen.",
)
