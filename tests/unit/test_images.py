import pytest
from django.core.exceptions import ValidationError

from backcore.images import clean_uploaded_image
from tests.imaging import jpeg_upload, png_bomb, text_upload


def test_extreme_bomb_is_refused_before_decoding():
    # 40k × 40k is past Pillow's own hard limit: rejected as a bomb, never decoded.
    with pytest.raises(ValidationError) as exc:
        clean_uploaded_image(png_bomb(40_000, 40_000), max_bytes=10**7, max_pixels=10**12)
    assert exc.value.code == "bomb"


def test_pixel_limit_is_enforced():
    with pytest.raises(ValidationError) as exc:
        clean_uploaded_image(png_bomb(8_000, 8_000), max_bytes=10**7, max_pixels=40_000_000)
    assert exc.value.code == "too_many_pixels"


def test_impostor_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        clean_uploaded_image(text_upload(), max_bytes=10**7, max_pixels=10**8)
    assert exc.value.code == "not_image"


def test_clean_copy_has_no_metadata_and_fits():
    cleaned = clean_uploaded_image(
        jpeg_upload((2000, 1000)), max_bytes=10**7, max_pixels=10**8, max_side=256
    )
    assert cleaned.name.endswith(".jpg") and cleaned.size > 0
