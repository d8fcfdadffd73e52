package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// hub fans events out to the Server-Sent Events clients of each log. A
// client that cannot keep up (its buffer full) is dropped: its page
// reconnects and starts from a fresh overview, which beats holding the
// ingester or the other clients back.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[*sub]bool
}

type sub struct {
	ch   chan []byte
	done chan struct{}
}

const subBuffer = 64

func newHub() *hub { return &hub{subs: map[string]map[*sub]bool{}} }

func (h *hub) subscribe(log string) *sub {
	s := &sub{ch: make(chan []byte, subBuffer), done: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[log] == nil {
		h.subs[log] = map[*sub]bool{}
	}
	h.subs[log][s] = true
	return s
}

func (h *hub) unsubscribe(log string, s *sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[log][s] {
		delete(h.subs[log], s)
		close(s.done)
	}
}

// closeAll ends every stream: a server shutting down must not wait for
// pages that would otherwise keep their connection for ever.
func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for log, subs := range h.subs {
		for s := range subs {
			close(s.done)
		}
		delete(h.subs, log)
	}
}

func (h *hub) listening(log string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[log]) > 0
}

// publish sends an event of a kind with v as its JSON data to every client
// of the log; it never blocks.
func (h *hub) publish(log, kind string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	msg := []byte(fmt.Sprintf("event: %s\ndata: %s\n\n", kind, data))
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[log] {
		select {
		case s.ch <- msg:
		default:
			delete(h.subs[log], s)
			close(s.done)
		}
	}
}

// sseKeepAlive is how often an idle stream gets a comment, so proxies and
// the browser keep the connection.
const sseKeepAlive = 15 * time.Second

// serveEvents streams a log's events: the current overview first, then
// every update, alert and exception as they happen.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request, m *monitor) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	rc := http.NewResponseController(w)
	// The server's write timeout does not apply to a stream.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	sb := s.hub.subscribe(m.name)
	defer s.hub.unsubscribe(m.name, sb)
	first, _ := json.Marshal(m.state().Overview(48))
	fmt.Fprintf(w, "retry: 2000\nevent: overview\ndata: %s\n\n", first)
	fl.Flush()
	keep := time.NewTicker(sseKeepAlive)
	defer keep.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-sb.done:
			return
		case msg := <-sb.ch:
			if _, err := w.Write(msg); err != nil {
				return
			}
			fl.Flush()
		case <-keep.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			fl.Flush()
		}
	}
}
