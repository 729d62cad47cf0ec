"""Image fixtures built in memory: real images, impostors and decompression bombs."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_upload(size=(800, 600), *, name="photo.jpg", with_gps_exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (15, 118, 110))
    out = io.BytesIO()
    exif = Image.Exif()
    if with_gps_exif:
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS IFD
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def text_upload(name="notes.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"this is not an image at all", content_type="image/png")


def oversized_upload(megabytes: int, name="huge.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"\xff\xd8\xff" + b"0" * (megabytes * 1024 * 1024), content_type="image/jpeg"
    )


def png_bomb(width=30_000, height=30_000, name="bomb.png") -> SimpleUploadedFile:
    """A tiny PNG whose header claims a huge canvas: decoding it would eat gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    data = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(name, data, content_type="image/png")
