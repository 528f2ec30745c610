"""Danish dates and times as Moments writes them: Django's Danish formats already use a
24-hour clock; a date and time also names its zone, as the English ones do."""

DATE_FORMAT = "j. F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j. F Y, H:i T"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i T"
