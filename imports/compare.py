"""What an upload would change: its bilan against the bilan of the import in force.

The timetable in force is the last validated import's, whose bilan holds its services,
subjects, closures, alternances, séances and weekly data: comparing two bilans compares the
same computation twice, whatever the sources.
"""


def _named(items, key):
    return {key(item): item for item in items}


def _diff_keys(before, now):
    added = sorted(set(now) - set(before))
    removed = sorted(set(before) - set(now))
    return added, removed


def bilan_compare(*, previous, current):
    previous = previous or {}
    changes = {}

    before, now = previous.get("subjects_map", {}), current.get("subjects_map", {})
    added, _ = _diff_keys(before, now)
    changes["subjects"] = {
        "added": sorted(now[k] for k in added),
        "modified": sorted(f"{before[k]} → {now[k]}" for k in now
                           if k in before and before[k] != now[k]),
    }

    def closure_key(c):
        return f"{c['start']}|{c['end']}"

    before = _named(previous.get("closures", []), closure_key)
    now = _named(current.get("closures", []), closure_key)
    added, removed = _diff_keys(before, now)
    label = "{label} du {start} au {end}".format
    changes["closures"] = {"added": [label(**now[k]) for k in added],
                           "removed": [label(**before[k]) for k in removed]}

    before = _named(previous.get("alternances", []), lambda a: a["code"])
    now = _named(current.get("alternances", []), lambda a: a["code"])
    added, removed = _diff_keys(before, now)
    changes["alternances"] = {
        "added": [now[k]["label"] for k in added],
        "removed": [before[k]["label"] for k in removed],
        "modified": [now[k]["label"] for k in now if k in before and before[k] != now[k]],
    }

    before, now = previous.get("services", {}), current.get("services", {})
    added, removed = _diff_keys(before, now)
    modified = [k for k in now if k in before and (
        before[k]["teachers"] != now[k]["teachers"] or before[k]["hours"] != now[k]["hours"])]
    changes["services"] = {
        "added": sorted(now[k]["label"] for k in added),
        "added_incomplete": sum(now[k]["incomplete"] for k in added),
        "modified": sorted(now[k]["label"] for k in modified),
        "modified_incomplete": sum(now[k]["incomplete"] for k in modified),
        "removed": sorted(before[k]["label"] for k in removed),
        "removed_incomplete": sum(before[k]["incomplete"] for k in removed),
    }

    was = previous.get("counts", {}).get("seances", 0)
    is_ = current.get("counts", {}).get("seances", 0)
    changes["seances"] = {"previous": was, "now": is_, "difference": is_ - was}

    changes["weekly"] = {
        name: {"total": total, "change": total - previous.get("weekly", {}).get(name, 0)}
        for name, total in current.get("weekly", {}).items()
    }
    return changes
