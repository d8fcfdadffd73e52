package filter

import (
	"strings"
)

// whereSQL compiles e to a condition over one events row (alias e) joined
// to its case (alias c), with ? for every value and attribute key. The SQL
// text comes only from the fixed fragments below; names and values from
// the user are all in args.
func whereSQL(e Expr) (string, []any) {
	var b strings.Builder
	var args []any
	var walk func(Expr)
	walk = func(x Expr) {
		switch x := x.(type) {
		case And:
			b.WriteString("(")
			walk(x.L)
			b.WriteString(" AND ")
			walk(x.R)
			b.WriteString(")")
		case Or:
			b.WriteString("(")
			walk(x.L)
			b.WriteString(" OR ")
			walk(x.R)
			b.WriteString(")")
		case Not:
			b.WriteString("(NOT ")
			walk(x.X)
			b.WriteString(")")
		case Compare:
			b.WriteString("coalesce(")
			args = value(&b, args, x.Name, x.Value.Kind)
			b.WriteString(sqlOp[x.Op])
			args = append(args, literalArg(x.Value))
			b.WriteString("?, false)")
		case In:
			if x.Negated {
				b.WriteString("(NOT ")
			}
			b.WriteString("(false")
			for _, v := range x.Values {
				b.WriteString(" OR coalesce(")
				args = value(&b, args, x.Name, v.Kind)
				b.WriteString(" = ?, false)")
				args = append(args, literalArg(v))
			}
			b.WriteString(")")
			if x.Negated {
				b.WriteString(")")
			}
		}
	}
	walk(e)
	return b.String(), args
}

var sqlOp = map[string]string{"=": " = ", "!=": " <> ", "<": " < ", "<=": " <= ", ">": " > ", ">=": " >= "}

func literalArg(v Literal) any {
	switch v.Kind {
	case 'n':
		return v.N
	case 'b':
		if v.B {
			return "true"
		}
		return "false"
	}
	return v.S
}

// value writes the SQL for attribute name as text (compared with a string
// or boolean) or as a DOUBLE (compared with a number).
func value(b *strings.Builder, args []any, name string, kind byte) []any {
	col, args := column(args, name)
	switch kind {
	case 'n':
		b.WriteString("TRY_CAST(" + col + " AS DOUBLE)")
	case 'b':
		b.WriteString("lower(" + col + ")")
	default:
		b.WriteString(col)
	}
	return args
}

// column is the text of attribute name for one event row.
func column(args []any, name string) (string, []any) {
	switch name {
	case "concept:name", "activity":
		return "e.activity", args
	case "org:resource", "resource":
		return "e.resource", args
	case "lifecycle:transition", "lifecycle":
		return "e.lifecycle", args
	case "case:concept:name":
		return "e.case_id", args
	}
	if k, ok := strings.CutPrefix(name, "case:"); ok {
		return "json_extract_string(c.attrs, ?)", append(args, jsonPath(k))
	}
	p := jsonPath(name)
	return "coalesce(json_extract_string(e.attrs, ?), json_extract_string(c.attrs, ?))", append(args, p, p)
}

// jsonPath addresses key at the top of a JSON object. The lexer admits no
// " or \ in names, so quoting the key is enough.
func jsonPath(key string) string { return `$."` + key + `"` }
