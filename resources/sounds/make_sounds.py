"""Write the door's verdict sounds (small mono WAVs) with the standard library: python make_sounds.py."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
HERE = Path(__file__).resolve().parent

# (frequency Hz, seconds) notes; 0 Hz is a pause. ADMIT rises, a refusal is a low double buzz that cannot be
# mistaken for it in a noisy foyer, a warning (too early, not inside) is one middle tone.
SOUNDS = {
    "admit": [(880, 0.12), (1320, 0.18)],
    "refuse": [(220, 0.18), (0, 0.06), (220, 0.28)],
    "warn": [(587, 0.25)],
}


def tone(frequency: float, seconds: float, *, square: bool) -> list[int]:
    count = int(RATE * seconds)
    fade = int(RATE * 0.01)  # 10 ms ramps: no clicks
    samples = []
    for n in range(count):
        if frequency == 0:
            samples.append(0)
            continue
        wave_value = math.sin(2 * math.pi * frequency * n / RATE)
        if square:  # a buzz: odd harmonics, heard over crowd noise
            wave_value = 0.6 * (1.0 if wave_value >= 0 else -1.0)
        envelope = min(1.0, n / fade, (count - n) / fade)
        samples.append(int(0.5 * 32767 * wave_value * envelope))
    return samples


def write(name: str, notes: list[tuple[float, float]]) -> Path:
    samples = [s for f, d in notes for s in tone(f, d, square=name == "refuse")]
    path = HERE / f"{name}.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return path


if __name__ == "__main__":
    for sound, notes in SOUNDS.items():
        print(write(sound, notes))
