"""A camera as a ticket scanner: frames decoded with zxing-cpp on a worker thread, each new QR text emitted once.

The GUI thread only picks frames (at most ``max_fps``, none while one is still being decoded) and turns the
chosen ones into a QImage; conversion to grey and decoding run on a one-thread pool. The same text seen
again within ``debounce_s`` is not emitted again (a ticket held in front of the camera is one scan).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import zxingcpp
from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices, QVideoFrame, QVideoSink

__all__ = ["CameraScanner", "decode_qr"]

log = logging.getLogger(__name__)

Decoder = Callable[[QImage], list[str]]
_QR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def decode_qr(image: QImage) -> list[str]:
    """The QR texts in an image. QImage is reentrant, so this runs on any thread (no numpy needed)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    if grey.isNull() or grey.width() == 0:
        return []
    stride = grey.bytesPerLine()
    pixels = bytes(grey.constBits())[: stride * grey.height()]
    view = zxingcpp.ImageView(pixels, grey.width(), grey.height(), zxingcpp.ImageFormat.Lum, stride)
    return [b.text for b in zxingcpp.read_barcodes(view, formats=_QR) if b.text]


class CameraScanner(QObject):
    """``decoded(str)`` is emitted on the GUI thread. ``start()`` opens the default camera, if there is one;
    ``feed_frame``/``feed_image`` are where its frames (or a test's) come in."""

    decoded = Signal(str)
    _finished = Signal(list)  # from the worker thread; queued to this object's (the GUI) thread

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_fps: float = 5.0,
        debounce_s: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        decoder: Decoder = decode_qr,
    ) -> None:
        super().__init__(parent)
        self.min_interval_s = 1 / max_fps
        self.debounce_s = debounce_s
        self._clock = clock
        self._decoder = decoder
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._decoding = False
        self._last_frame_at: float | None = None
        self._seen: dict[str, float] = {}
        self.frames_decoded = 0
        self.frames_dropped = 0
        self._session: QMediaCaptureSession | None = None
        self._camera: QCamera | None = None
        self._sink: QVideoSink | None = None
        self._finished.connect(self._on_finished)

    @staticmethod
    def available() -> bool:
        return bool(QMediaDevices.videoInputs())

    @property
    def decoding(self) -> bool:
        return self._decoding

    def start(self) -> bool:
        """Open the default camera; False (and nothing else happens) where the machine has none."""
        if not self.available():
            return False
        if self._camera is None:
            self._session = QMediaCaptureSession(self)
            self._camera = QCamera(QMediaDevices.defaultVideoInput(), self)
            self._sink = QVideoSink(self)
            self._session.setCamera(self._camera)
            self._session.setVideoSink(self._sink)
            self._sink.videoFrameChanged.connect(self.feed_frame)
            self._camera.errorOccurred.connect(self._on_camera_error)
        self._camera.start()
        return True

    def stop(self) -> None:
        if self._camera is not None:
            self._camera.stop()

    def close(self) -> None:
        """Stop the camera and wait for the frame being decoded (before the object goes away)."""
        self.stop()
        self._pool.waitForDone()

    def feed_frame(self, frame: QVideoFrame) -> bool:
        """A camera frame; True when it was taken for decoding (not dropped)."""
        if not self._take():
            return False
        return self._submit(frame.toImage())

    def feed_image(self, image: QImage) -> bool:
        if not self._take():
            return False
        return self._submit(image)

    def _take(self) -> bool:
        now = self._clock()
        if self._decoding or (
            self._last_frame_at is not None and now - self._last_frame_at < self.min_interval_s
        ):
            self.frames_dropped += 1
            return False
        self._last_frame_at = now
        return True

    def _submit(self, image: QImage) -> bool:
        if image.isNull():
            return False
        self._decoding = True
        frame = image.copy()  # the worker owns its own pixels; the camera reuses its buffers
        self._pool.start(lambda: self._work(frame))
        return True

    def _work(self, image: QImage) -> None:
        """On the worker thread."""
        try:
            texts = self._decoder(image)
        except Exception:  # a decoder fault must not leave the camera stuck as "decoding"
            log.exception("camera: decoding a frame failed (thread %s)", threading.get_ident())
            texts = []
        self._finished.emit(texts)

    def _on_finished(self, texts: list[str]) -> None:
        self._decoding = False
        self.frames_decoded += 1
        now = self._clock()
        for text in texts:
            seen = self._seen.get(text)
            self._seen[text] = now
            if seen is None or now - seen >= self.debounce_s:
                self.decoded.emit(text)
        self._seen = {t: at for t, at in self._seen.items() if now - at < self.debounce_s}

    def _on_camera_error(self, error: QCamera.Error, message: str) -> None:
        log.warning("camera: %s (%s)", message, error)
