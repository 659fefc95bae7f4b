"""What a roll call says of one pupil, as plain data: compared, stored in the history, shown."""

import datetime as dt
from dataclasses import asdict, dataclass

MARK_FIELDS = ("absent", "retard", "arrivee", "depart", "dispense", "exclu", "exclusion_motif",
               "observation")


@dataclass(frozen=True)
class MarkData:
    absent: bool = False
    retard: bool = False
    arrivee: dt.time | None = None
    depart: dt.time | None = None
    dispense: bool = False
    exclu: bool = False
    exclusion_motif: str = ""
    observation: str = ""

    @classmethod
    def of(cls, marque):
        if marque is None:
            return PRESENT
        return cls(**{name: getattr(marque, name) for name in MARK_FIELDS})

    @property
    def blank(self):
        return self == PRESENT

    def as_json(self):
        data = asdict(self)
        for name in ("arrivee", "depart"):
            if data[name] is not None:
                data[name] = data[name].strftime("%H:%M")
        return {k: v for k, v in data.items() if v not in (False, None, "")}

    def summary(self):
        """In French, for the history and the conflict page (« absent », « en retard (8h12) »)."""
        parts = []
        if self.absent:
            parts.append("absent")
        if self.retard:
            parts.append(f"en retard ({_hm(self.arrivee)})" if self.arrivee else "en retard")
        if self.depart:
            parts.append(f"départ anticipé ({_hm(self.depart)})")
        if self.dispense:
            parts.append("dispensé")
        if self.exclu:
            parts.append(f"exclu de cours ({self.exclusion_motif})" if self.exclusion_motif
                         else "exclu de cours")
        if self.observation:
            parts.append(f"observation : {self.observation}")
        return ", ".join(parts) or "présent"


def _hm(value):
    return f"{value.hour}h{value.minute:02d}"


PRESENT = MarkData()
