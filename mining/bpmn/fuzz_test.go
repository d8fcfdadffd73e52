package bpmn

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead checks that Read never panics, that every failure is an *Error
// wrapping ErrInvalid, and that every Model it returns keeps the
// invariants checkModel states (ids unique, every flow between nodes of
// its process at its subprocess level, …).
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(readDir, "*.bpmn"))
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(doc(`<task id="a" />`, `<boundaryEvent id="b" attachedToRef="a" />`, `<sequenceFlow id="f" sourceRef="b" targetRef="a" />`)))
	f.Add([]byte(doc(`<laneSet><lane id="l"><flowNodeRef>a</flowNodeRef><childLaneSet><lane id="m"><flowNodeRef>a</flowNodeRef></lane></childLaneSet></lane></laneSet>`, `<task id="a" />`)))
	f.Add([]byte("<pnml><net id=\"n\"/></pnml>"))
	f.Add([]byte("hello"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Read(bytes.NewReader(data))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v is %T, not an *Error wrapping ErrInvalid", err, err)
			}
			return
		}
		checkModel(t, m)
	})
}
