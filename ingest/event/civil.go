package event

// Calendar arithmetic shared by the readers' fast timestamp parsers, which
// turn date fields into UTC microseconds without time.Date's allocation-free
// but slower general path.

// DaysIn is the number of days in month (1–12) of a proleptic Gregorian year.
func DaysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// DaysFromCivil is the number of days from 1970-01-01 to a proleptic
// Gregorian date (Howard Hinnant's days_from_civil; exact for any year in
// int64 range).
func DaysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
