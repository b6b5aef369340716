"""The app starts, migrates and serves its sign-in page on every backend."""

from partnership.policy import Role


def test_sign_in_then_home(signed_in):
    client = signed_in(Role.TEAM)
    response = client.get("/")
    assert response.status_code == 200
    assert "Welcome, Test Team" in response.get_data(as_text=True)
