import pytest
from PIL import Image

from tests.imaging import jpeg_upload, oversized_upload, png_bomb, text_upload

pytestmark = pytest.mark.django_db


def _post(client, avatar):
    return client.post(
        "/account/profile/", {"display_name": "Lee", "timezone": "Europe/London", "avatar": avatar}
    )


def test_valid_avatar_is_resized_and_stripped(client, user):
    client.force_login(user)
    response = _post(client, jpeg_upload((1200, 900)))
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.display_name == "Lee"
    with Image.open(user.profile.avatar.path) as saved:
        assert max(saved.size) <= 256
        assert not saved.getexif(), "EXIF (including GPS) must be removed"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (text_upload, "not an image"),
        (lambda: oversized_upload(6), "limit is 5 MB"),
        (png_bomb, "too large once decoded"),
        (lambda: png_bomb(8_000, 8_000), "megapixels"),
    ],
)
def test_bad_avatars_are_form_errors(client, user, upload, message):
    client.force_login(user)
    response = _post(client, upload())
    assert response.status_code == 400
    assert message in response.content.decode()
    user.profile.refresh_from_db()
    assert not user.profile.avatar
    assert user.profile.display_name != "Lee", "nothing is half-saved"


def test_unknown_timezone_is_a_form_error(client, user):
    client.force_login(user)
    response = client.post("/account/profile/", {"display_name": "Lee", "timezone": "Mars/Olympus"})
    assert response.status_code == 400
