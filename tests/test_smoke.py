from portal.accounts.models import Role


def test_sign_in_page_renders(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_signed_in_admin_sees_people(client_as):
    client = client_as(Role.ADMIN)
    response = client.get("/admin/users")
    assert response.status_code == 200
