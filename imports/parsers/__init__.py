"""Pure parsers of timetable exports (EDT/PRONOTE, UDT, STS-web): they read files and yield
the records of ``records.py``; nothing here touches the database."""
