from app.auth.roles import Role
from tests.factories import make_user
from tests.support import login


def test_coordinator_logs_in_with_password_and_code_and_sees_home(client, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    login(client, db_session, user)
    response = client.get("/")
    assert response.status_code == 200
    assert user.full_name in response.get_data(as_text=True)
