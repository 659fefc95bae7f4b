"""Data shared by a migration and the code: the national homework types."""

# The national defaults every establishment starts from (it may add its own): label, and
# whether it is an évaluation (a day holding one is flagged to the teachers).
NATIONAL_TYPES = [
    ("Exercices", False), ("Leçon à apprendre", False), ("Devoir maison", False),
    ("Évaluation", True), ("Exposé", False), ("Lecture", False), ("Recherche", False),
    ("Matériel à apporter", False),
]
