"""English dates and times as Moments writes them: day before month and a 24-hour clock
("2 Dec 2026, 21:15 UTC"), never "Dec. 2, 2026, 9:15 p.m.". Shift work runs round the
clock, and the admin spans every zone, so a date and time names its zone. Formats not set
here come from Django's English locale."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i T"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
