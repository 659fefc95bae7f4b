"""The AAF (Annuaire Académique Fédérateur) feed: parse, stage, merge, report."""
