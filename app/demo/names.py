"""Common Danish first names and surnames, for generated demo persons."""

GIRLS = (
    "Emma Ida Clara Freja Alma Ella Sofia Anna Laura Karla Agnes Lily Josefine Olivia Alberte "
    "Maja Sofie Mathilde Nora Ellen Esther Victoria Luna Frida Liva Asta Aya Sara Marie Signe "
    "Caroline Emilie Ellie Lea Amalie Cecilie Isabella Johanne Mille Nanna"
).split()
BOYS = (
    "William Noah Oscar Lucas Carl Oliver Malthe Emil Alfred Valdemar Aksel Elias Felix August "
    "Magnus Arthur Viggo Anton Otto Theo Mikkel Frederik Victor Johan Villads Sebastian Mads "
    "Mathias Jonas Rasmus Tobias Christian Adam Ali Mohamed Omar Yusuf Hamza Kasper Nikolaj"
).split()
SURNAMES = (
    "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
    "Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen "
    "Knudsen Jakobsen Mikkelsen Olesen Frederiksen Laursen Henriksen Lund Schmidt Eriksen "
    "Holm Kristiansen Clausen Simonsen Svendsen Andreasen Iversen Jeppesen Vestergaard Nissen "
    "Yilmaz Hassan Ahmed Ali Demir Kaya Nguyen Abdi Haddad Omar"
).split()
