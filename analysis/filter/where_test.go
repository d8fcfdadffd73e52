package filter

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestParseWhere(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"priority = 'P1'", "priority = s:P1"},
		{`a != "x" and b <> 2`, "(a != s:x and b != n:2)"},
		{"a = 1 or b = 2 and c = 3", "(a = n:1 or (b = n:2 and c = n:3))"},
		{"(a = 1 or b = 2) and c = 3", "((a = n:1 or b = n:2) and c = n:3)"},
		{"NOT a = true", "not a = b:true"},
		{"case:priority IN ('P1','P2')", "case:priority in [s:P1 s:P2]"},
		{"org:resource not in ('a')", "org:resource not in [s:a]"},
		{"x >= -1.5e3", "x >= n:-1500"},
		{"`Activity Type` = 'it''s'", "Activity Type = s:it's"},
		{"prio_2.x-y <= 'a'", "prio_2.x-y <= s:a"},
	} {
		e, err := ParseWhere(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := show(e); got != c.want {
			t.Errorf("%q parsed as %s, want %s", c.in, got, c.want)
		}
	}
}

func show(e Expr) string {
	lit := func(l Literal) string {
		switch l.Kind {
		case 'n':
			return fmt.Sprintf("n:%g", l.N)
		case 'b':
			return fmt.Sprintf("b:%t", l.B)
		}
		return "s:" + l.S
	}
	switch e := e.(type) {
	case And:
		return "(" + show(e.L) + " and " + show(e.R) + ")"
	case Or:
		return "(" + show(e.L) + " or " + show(e.R) + ")"
	case Not:
		return "not " + show(e.X)
	case Compare:
		return e.Name + " " + e.Op + " " + lit(e.Value)
	case In:
		var vs []string
		for _, v := range e.Values {
			vs = append(vs, lit(v))
		}
		op := " in "
		if e.Negated {
			op = " not in "
		}
		return e.Name + op + "[" + strings.Join(vs, " ") + "]"
	}
	return "?"
}

func TestParseWhereErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "empty"},
		{"a", "want a comparison"},
		{"a =", "want a value"},
		{"a = b", "is not a value"},
		{"a = 'x", "unclosed '"},
		{"(a = 1", "missing )"},
		{"a = 1)", "after a complete expression"},
		{"a > true", "true and false"},
		{"a in 1", "in wants"},
		{"a not = 1", "followed by in"},
		{"and = 1", "attribute name"},
		{"a = 1 ; drop table events", "unexpected ';'"},
		{"a = 1 -- comment", "not a number"},
		{"lower(a) = 'x'", "want a comparison"},
		{"a = (select 1)", "want a value"},
		{"`a\"b` = 1", "no \""},
		{"a ! 1", "'!' alone"},
		{strings.Repeat("(", 100) + "a = 1" + strings.Repeat(")", 100), "nested deeper"},
		{"a = 1e999", "not a number"},
		{"a = '\xff'", "not UTF-8"},
	} {
		_, err := ParseWhere(c.in)
		if err == nil || !errors.Is(err, ErrWhere) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err %v, want one saying %q", c.in, err, c.want)
		}
	}
}

// sqlShape is everything the compiled SQL may contain: the fixed fragments
// of wheresql.go, placeholders and punctuation. No user text can match it
// (letters outside these words, quotes, semicolons, comments).
var sqlShape = regexp.MustCompile(`^(?:\s|\(|\)|,|\?|=|<>|<=|>=|<|>|AND|OR|NOT|false|coalesce|TRY_CAST|AS|DOUBLE|lower|` +
	`json_extract_string|e\.attrs|c\.attrs|e\.activity|e\.resource|e\.lifecycle|e\.case_id)*$`)

func TestWhereSQLHoldsNoUserText(t *testing.T) {
	for _, in := range []string{
		"a = 'x'' OR 1=1 --'",
		"`x\") OR true OR (\"` = 1",
		"case:x in ('; DROP TABLE events; --', 2, true)",
		"not (activity = 'read_csv(''/etc/passwd'')') or resource != 'x'",
	} {
		e, err := ParseWhere(in)
		if err != nil {
			continue // refused: fine
		}
		sql, args := whereSQL(e)
		if !sqlShape.MatchString(sql) {
			t.Errorf("%q compiled to SQL with other text: %s", in, sql)
		}
		if strings.Count(sql, "?") != len(args) {
			t.Errorf("%q: %d placeholders, %d args", in, strings.Count(sql, "?"), len(args))
		}
	}
}

func FuzzParseWhere(f *testing.F) {
	for _, s := range []string{"priority = 'P1' and channel in ('phone','mail')", "not (a < 1 or `b c` >= -2.5)",
		"case:x != true", "a not in (1, 'x', false)", "((a=1))", "a = 'x''y'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseWhere(s)
		if err != nil {
			if !errors.Is(err, ErrWhere) {
				t.Fatalf("%q: error %v does not wrap ErrWhere", s, err)
			}
			return
		}
		sql, args := whereSQL(e)
		if !sqlShape.MatchString(sql) {
			t.Fatalf("%q compiled to SQL with other text: %s", s, sql)
		}
		if strings.Count(sql, "?") != len(args) {
			t.Fatalf("%q: %d placeholders, %d args", s, strings.Count(sql, "?"), len(args))
		}
		for _, a := range args {
			if p, ok := a.(string); ok && strings.HasPrefix(p, `$."`) && strings.ContainsAny(p[3:len(p)-1], "\"\\") {
				t.Fatalf("%q: JSON path %q escapes its quotes", s, p)
			}
		}
	})
}
