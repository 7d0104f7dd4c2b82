"""The camera adapter without a camera: frames of a real printed ticket go through the same handler the
camera feeds, are decoded on a worker thread while the GUI thread goes on, and each code arrives once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtMultimedia import QMediaDevices, QVideoFrame

from core.services import tickets
from core.tickets.raster import rasterise
from kiosk.devices.camera import CameraScanner, decode_qr
from tests.kiosk.viewmodels.test_door import door_night


def ticket_image(pdf: bytes, dpi: int = 150) -> QImage:
    """The first printed ticket as a camera would see it (a QImage of the rasterised page)."""
    page = rasterise(pdf, dpi=dpi)[0]
    image = QImage(page.tobytes(), page.width, page.height, page.width * 3, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: the bytes object above is temporary


@pytest.fixture
def printed(qt_run, kiosk_ctx) -> tuple[QImage, str]:
    night = qt_run(door_night(kiosk_ctx, 1))
    pdf = qt_run(tickets.render_order(kiosk_ctx, night.kiosk, night.order.code))
    return ticket_image(pdf), night.texts[0]


@pytest.fixture
def camera(qtbot, fake_time) -> Iterator[CameraScanner]:
    scanner = CameraScanner(max_fps=5, debounce_s=3, clock=fake_time)
    yield scanner
    scanner.close()
    scanner.deleteLater()


def test_a_frame_of_a_printed_ticket_yields_its_qr_text_on_the_gui_thread(qtbot, camera, printed):
    image, text = printed
    threads: list[int] = []
    camera.decoded.connect(lambda _: threads.append(threading.get_ident()))
    with qtbot.waitSignal(camera.decoded, timeout=10_000) as got:
        assert camera.feed_frame(QVideoFrame(image))  # the path the camera's video sink takes
    assert got.args == [text]
    assert threads == [threading.main_thread().ident]


def test_decoding_runs_off_the_gui_thread_and_busy_frames_are_dropped(qtbot, fake_time, printed):
    image, text = printed
    release = threading.Event()
    decoded_on: list[int] = []

    def held_decoder(frame: QImage) -> list[str]:
        decoded_on.append(threading.get_ident())
        release.wait(10)  # the real decoder, made slow: the GUI must not wait for it
        return decode_qr(frame)

    camera = CameraScanner(clock=fake_time, decoder=held_decoder)
    try:
        got: list[str] = []
        camera.decoded.connect(got.append)
        assert camera.feed_image(image)
        ticks: list[bool] = []
        QTimer.singleShot(0, lambda: ticks.append(True))
        qtbot.waitUntil(lambda: bool(ticks) and bool(decoded_on), timeout=5000)  # the GUI loop runs meanwhile
        assert camera.decoding
        assert got == []
        fake_time.now += 1  # past the frame-rate limit, but a frame is still being decoded: dropped
        assert not camera.feed_image(image)
        assert camera.frames_dropped == 1
        release.set()
        qtbot.waitUntil(lambda: got == [text], timeout=10_000)
        assert decoded_on[0] != threading.main_thread().ident
    finally:
        release.set()
        camera.close()
        camera.deleteLater()


def test_frames_are_throttled_and_one_ticket_is_one_scan(qtbot, camera, fake_time, printed):
    image, text = printed
    got: list[str] = []
    camera.decoded.connect(got.append)
    assert camera.feed_image(image)
    qtbot.waitUntil(lambda: camera.frames_decoded == 1, timeout=10_000)
    fake_time.now += 0.1
    assert not camera.feed_image(image)  # faster than 5 frames a second
    for _ in range(3):  # held in front of the camera for a while
        fake_time.now += 0.5
        assert camera.feed_image(image)
        qtbot.waitUntil(lambda: not camera.decoding, timeout=10_000)
    assert got == [text]
    fake_time.now += 3.5  # taken away and shown again later: a new scan
    assert camera.feed_image(image)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=10_000)
    blank = QImage(640, 480, QImage.Format.Format_RGB32)
    blank.fill(QColor("white"))
    fake_time.now += 1
    assert camera.feed_image(blank)
    qtbot.waitUntil(lambda: camera.frames_decoded == 6, timeout=10_000)
    assert got == [text, text]


def test_start_opens_a_camera_only_where_there_is_one(qtbot, camera):
    assert camera.start() is bool(QMediaDevices.videoInputs())
