package filter

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The --where language, in full:
//
//	expr    = and { "or" and }
//	and     = unary { "and" unary }
//	unary   = "not" unary | "(" expr ")" | compare
//	compare = name op literal | name [ "not" ] "in" "(" literal { "," literal } ")"
//	op      = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//	literal = 'text' | "text" | number | true | false
//	name    = letter { letter | digit | "_" | ":" | "." | "-" } | `any text but backquotes`
//
// Keywords are case-insensitive. Inside quotes a doubled quote stands for
// itself ('O''Brien'). Names:
//
//	case:NAME             the case (trace) attribute NAME
//	case:concept:name     the case id
//	concept:name          the activity (also: activity)
//	org:resource          the resource (also: resource)
//	lifecycle:transition  the lifecycle transition (also: lifecycle)
//	NAME                  the event attribute NAME, else the case attribute NAME
//
// A comparison is evaluated per event (case attributes are seen by every
// event of the case) and a case is kept when one of its events satisfies
// the whole expression. A comparison with a number compares numerically
// (values that are not numbers do not match). An attribute an event lacks
// satisfies no comparison, not even !=, so "not (x = 'a')" keeps events
// without x while "x != 'a'" does not.

// maxWhereLen and maxWhereDepth bound what the parser accepts, so that no
// input can exhaust the stack or build a statement DuckDB refuses.
const (
	maxWhereLen   = 10000
	maxWhereDepth = 64
)

// ErrWhere is wrapped by every error of the --where parser.
var ErrWhere = errors.New("--where")

type tokKind int

const (
	tEOF tokKind = iota
	tName
	tString
	tNumber
	tOp
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	text string // name, string value, number text or operator
	pos  int    // byte offset, for errors
}

func lex(s string) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			return nil, werr(i, "not UTF-8")
		case unicode.IsSpace(r):
			i += w
		case r == '(':
			out = append(out, token{tLParen, "(", i})
			i++
		case r == ')':
			out = append(out, token{tRParen, ")", i})
			i++
		case r == ',':
			out = append(out, token{tComma, ",", i})
			i++
		case r == '=' || r == '<' || r == '>' || r == '!':
			op := string(r)
			if i+1 < len(s) && (s[i+1] == '=' || (r == '<' && s[i+1] == '>')) {
				op = s[i : i+2]
			}
			if op == "!" {
				return nil, werr(i, "'!' alone; use != or not")
			}
			out = append(out, token{tOp, op, i})
			i += len(op)
		case r == '\'' || r == '"':
			v, n, err := quoted(s[i:], byte(r))
			if err != nil {
				return nil, werr(i, err.Error())
			}
			out = append(out, token{tString, v, i})
			i += n
		case r == '`':
			j := strings.IndexByte(s[i+1:], '`')
			if j < 0 {
				return nil, werr(i, "unclosed ` in a name")
			}
			name := s[i+1 : i+1+j]
			if name == "" || strings.ContainsAny(name, "\"\\") {
				return nil, werr(i, "a `name` must be non-empty and hold no \" or \\")
			}
			out = append(out, token{tName, name, i})
			i += j + 2
		case r == '-' || r == '+' || r == '.' || (r >= '0' && r <= '9'):
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' ||
				((s[j] == '-' || s[j] == '+') && (s[j-1] == 'e' || s[j-1] == 'E'))) {
				j++
			}
			if _, err := strconv.ParseFloat(s[i:j], 64); err != nil {
				return nil, werr(i, fmt.Sprintf("%q is not a number", s[i:j]))
			}
			out = append(out, token{tNumber, s[i:j], i})
			i = j
		case unicode.IsLetter(r) || r == '_':
			j := i + w
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if !(unicode.IsLetter(r2) || unicode.IsDigit(r2) || r2 == '_' || r2 == ':' || r2 == '.' || r2 == '-') {
					break
				}
				j += w2
			}
			out = append(out, token{tName, s[i:j], i})
			i = j
		default:
			return nil, werr(i, fmt.Sprintf("unexpected %q", r))
		}
	}
	return append(out, token{tEOF, "", len(s)}), nil
}

// quoted reads a string literal opening s; it returns its value and length.
func quoted(s string, q byte) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != q {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			b.WriteByte(q)
			i++
			continue
		}
		return b.String(), i + 1, nil
	}
	return "", 0, fmt.Errorf("unclosed %c", q)
}

func werr(pos int, reason string) error {
	return fmt.Errorf("%w: at character %d: %s", ErrWhere, pos+1, reason)
}

// Expr is a parsed --where expression.
type Expr interface{ isExpr() }

// And, Or and Not combine expressions.
type (
	And struct{ L, R Expr }
	Or  struct{ L, R Expr }
	Not struct{ X Expr }
)

// Compare is name op value; In is name in (values), Negated for not in.
type (
	Compare struct {
		Name  string
		Op    string // = != < <= > >=
		Value Literal
	}
	In struct {
		Name    string
		Values  []Literal
		Negated bool
	}
)

// Literal is a string, number or boolean constant.
type Literal struct {
	Kind byte // 's', 'n' or 'b'
	S    string
	N    float64
	B    bool
}

func (And) isExpr()     {}
func (Or) isExpr()      {}
func (Not) isExpr()     {}
func (Compare) isExpr() {}
func (In) isExpr()      {}

type parser struct {
	toks  []token
	i     int
	depth int
}

// ParseWhere parses a --where expression.
func ParseWhere(s string) (Expr, error) {
	if len(s) > maxWhereLen {
		return nil, fmt.Errorf("%w: longer than %d characters", ErrWhere, maxWhereLen)
	}
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%w: empty expression", ErrWhere)
	}
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrWhere)
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, werr(t.pos, fmt.Sprintf("unexpected %q after a complete expression", t.text))
	}
	return e, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i = min(p.i+1, len(p.toks)-1); return t }

func (p *parser) keyword(k string) bool {
	t := p.peek()
	if t.kind == tName && strings.EqualFold(t.text, k) {
		p.next()
		return true
	}
	return false
}

func (p *parser) or() (Expr, error) {
	l, err := p.and()
	for err == nil && p.keyword("or") {
		var r Expr
		if r, err = p.and(); err == nil {
			l = Or{l, r}
		}
	}
	return l, err
}

func (p *parser) and() (Expr, error) {
	l, err := p.unary()
	for err == nil && p.keyword("and") {
		var r Expr
		if r, err = p.unary(); err == nil {
			l = And{l, r}
		}
	}
	return l, err
}

func (p *parser) unary() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxWhereDepth {
		return nil, werr(p.peek().pos, fmt.Sprintf("nested deeper than %d", maxWhereDepth))
	}
	if p.keyword("not") {
		x, err := p.unary()
		return Not{x}, err
	}
	t := p.next()
	switch t.kind {
	case tLParen:
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, werr(c.pos, "missing )")
		}
		return e, nil
	case tName:
		if isKeyword(t.text) {
			return nil, werr(t.pos, fmt.Sprintf("%q where an attribute name belongs", t.text))
		}
		return p.compare(t)
	case tEOF:
		return nil, werr(t.pos, "expression ends early")
	}
	return nil, werr(t.pos, fmt.Sprintf("%q where an attribute name belongs", t.text))
}

func isKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "and", "or", "not", "in", "true", "false":
		return true
	}
	return false
}

func (p *parser) compare(name token) (Expr, error) {
	negated := p.keyword("not")
	if p.keyword("in") {
		if c := p.next(); c.kind != tLParen {
			return nil, werr(c.pos, "in wants a ( list )")
		}
		in := In{Name: name.text, Negated: negated}
		for {
			v, err := p.literal()
			if err != nil {
				return nil, err
			}
			in.Values = append(in.Values, v)
			t := p.next()
			if t.kind == tRParen {
				return in, nil
			}
			if t.kind != tComma {
				return nil, werr(t.pos, "want , or ) in the in list")
			}
		}
	}
	if negated {
		return nil, werr(p.peek().pos, "not after a name must be followed by in")
	}
	op := p.next()
	if op.kind != tOp {
		return nil, werr(op.pos, fmt.Sprintf("want a comparison (= != < <= > >= in) after %q", name.text))
	}
	v, err := p.literal()
	if err != nil {
		return nil, err
	}
	o := op.text
	if o == "<>" {
		o = "!="
	}
	if v.Kind == 'b' && o != "=" && o != "!=" {
		return nil, werr(op.pos, "true and false compare only with = or !=")
	}
	return Compare{Name: name.text, Op: o, Value: v}, nil
}

func (p *parser) literal() (Literal, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return Literal{Kind: 's', S: t.text}, nil
	case tNumber:
		f, _ := strconv.ParseFloat(t.text, 64) // lex checked it
		return Literal{Kind: 'n', N: f}, nil
	case tName:
		switch strings.ToLower(t.text) {
		case "true":
			return Literal{Kind: 'b', B: true}, nil
		case "false":
			return Literal{Kind: 'b', B: false}, nil
		}
		return Literal{}, werr(t.pos, fmt.Sprintf("%q is not a value; quote text ('%s')", t.text, t.text))
	}
	return Literal{}, werr(t.pos, "want a value ('text', a number, true or false)")
}
