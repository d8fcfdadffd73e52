package table

import (
	"bytes"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Formats are the formats Write knows.
var Formats = []string{"table", "csv", "json"}

// Write writes columns and rows to w in format ("table", "csv" or "json").
func Write(w io.Writer, format string, columns []string, rows [][]any) error {
	switch format {
	case "table":
		return writeTable(w, columns, rows)
	case "csv":
		return writeCSV(w, columns, rows)
	case "json":
		return writeJSON(w, columns, rows)
	}
	return fmt.Errorf("format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// Text is a value's text: "" for NULL.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		if utf8.Valid(x) {
			return string(x)
		}
		return `\x` + hex.EncodeToString(x)
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.999999Z")
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case []any, map[string]any:
		b, err := json.Marshal(jsonValue(x))
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// jsonValue maps a value to what encoding/json writes as the same JSON:
// instants as text, NaN and infinities as null, nested values recursively.
func jsonValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int64, int32, int16, int8, int, uint64, uint32, uint16, uint8:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case float32:
		return jsonValue(float64(x))
	case *big.Int: // HUGEINT: sum() of integers
		if x == nil {
			return nil
		}
		return json.Number(x.String())
	case interface{ Float64() float64 }: // DECIMAL
		return jsonValue(x.Float64())
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = jsonValue(x[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	}
	return Text(v)
}

func writeCSV(w io.Writer, columns []string, rows [][]any) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(columns); err != nil {
		return err
	}
	rec := make([]string, len(columns))
	for _, r := range rows {
		for i := range rec {
			rec[i] = Text(r[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeJSON(w io.Writer, columns []string, rows [][]any) error {
	var b bytes.Buffer
	b.WriteString("[")
	for n, r := range rows {
		if n > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for i, c := range columns {
			if i > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(c)
			v, err := json.Marshal(jsonValue(r[i]))
			if err != nil {
				return fmt.Errorf("column %s: %w", c, err)
			}
			b.Write(k)
			b.WriteString(": ")
			b.Write(v)
		}
		b.WriteString("}")
	}
	if len(rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// writeTable aligns the columns; numbers are right-aligned, line breaks in
// values are shown as \n so that a row stays a line.
func writeTable(w io.Writer, columns []string, rows [][]any) error {
	cells := make([][]string, 0, len(rows)+1)
	cells = append(cells, columns)
	right := make([]bool, len(columns)) // numbers only: right-aligned
	text := make([]bool, len(columns))
	numeric := make([]bool, len(columns))
	for _, r := range rows {
		line := make([]string, len(columns))
		for i := range line {
			if r[i] == nil {
				line[i] = "NULL"
				continue
			}
			line[i] = strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", `\t`).Replace(Text(r[i]))
			switch r[i].(type) {
			case int64, int32, int16, int8, int, uint64, uint32, uint16, uint8, float64, float32, *big.Int:
				numeric[i] = true
			default:
				text[i] = true
			}
		}
		cells = append(cells, line)
	}
	for i := range right {
		right[i] = numeric[i] && !text[i]
	}
	width := make([]int, len(columns))
	for _, line := range cells {
		for i, c := range line {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b bytes.Buffer
	for n, line := range cells {
		for i, c := range line {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if right[i] {
				b.WriteString(pad + c)
			} else if i < len(line)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		b.WriteString("\n")
		if n == 0 {
			for i := range line {
				if i > 0 {
					b.WriteString("  ")
				}
				b.WriteString(strings.Repeat("-", width[i]))
			}
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "(%d row%s)\n", len(rows), map[bool]string{true: "", false: "s"}[len(rows) == 1])
	_, err := w.Write(b.Bytes())
	return err
}

// formatFloat writes x in plain decimal notation where that is short
// (durations in seconds read 2654207.439, not 2.654207439e+06), otherwise
// with an exponent; either way the shortest text that reads back exactly.
func formatFloat(x float64, bits int) string {
	if a := math.Abs(x); a == 0 || (a >= 1e-4 && a < 1e15) {
		return strconv.FormatFloat(x, 'f', -1, bits)
	}
	return strconv.FormatFloat(x, 'g', -1, bits)
}
