package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Which failures end an ingestion, and how they are worded.
//
// Start-up fails fast: within failFast, unreachable brokers, a missing
// topic, wrong credentials or an untrusted certificate end Run (and
// Replay) with one line naming the broker and the cause. Once running, a
// failure that retrying cannot mend (credentials or certificates rejected,
// authorization denied, the instance id taken by another process) still
// ends it; anything else (a join that timed out, a coordinator that moved,
// a broker restarting) is retried by the client with backoff until the
// context ends, and shows in Stats.LastError meanwhile.

// failFast bounds how long start-up waits for the brokers' answer.
const failFast = 15 * time.Second

// connWatch is a kgo hook that remembers why the latest connection attempt
// failed, and in which step of the set-up. The client itself reports only
// the error of the request that gave up, and that is often just "EOF" (a
// broker drops the connection on bad SASL credentials) or a deadline.
type connWatch struct {
	tls  bool
	mech string // SASL mechanism, "" without SASL

	mu   sync.Mutex
	step map[string]int16 // broker → key of the set-up request whose answer failed
	last *brokerError     // latest failed attempt; cleared by a success to the same broker
	// The latest request that failed on an established connection (a
	// broker that wants SASL lets ApiVersions through, then hangs up).
	reqBroker string
	reqKey    int16
}

func newConnWatch(t *tls.Config, mech interface{ Name() string }) *connWatch {
	w := &connWatch{tls: t != nil, step: map[string]int16{}}
	if mech != nil {
		w.mech = mech.Name()
	}
	return w
}

func brokerAddr(m kgo.BrokerMetadata) string {
	return net.JoinHostPort(m.Host, strconv.Itoa(int(m.Port)))
}

// OnBrokerE2E notes a failed answer to a connection set-up request (it runs
// before OnBrokerConnect reports the attempt).
func (w *connWatch) OnBrokerE2E(m kgo.BrokerMetadata, key int16, e kgo.BrokerE2E) {
	if e.Err() == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch kmsg.Key(key) {
	case kmsg.ApiVersions, kmsg.SASLHandshake, kmsg.SASLAuthenticate:
		w.step[brokerAddr(m)] = key
	default:
		w.reqBroker, w.reqKey = brokerAddr(m), key
	}
}

// OnBrokerConnect records the outcome of a connection attempt: dial, TLS
// handshake, API versions and SASL.
func (w *connWatch) OnBrokerConnect(m kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	a := brokerAddr(m)
	w.mu.Lock()
	defer w.mu.Unlock()
	step, ok := w.step[a]
	delete(w.step, a)
	if err == nil {
		if w.last != nil && w.last.Broker == a {
			w.last = nil
		}
		return
	}
	if !ok {
		step = -1
	}
	w.last = &brokerError{Broker: a, Err: err, step: step, tls: w.tls, mech: w.mech}
}

func (w *connWatch) latest() *brokerError {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

// startErr words a failed start-up request: the latest failed connection
// says why, if there was one.
func (w *connWatch) startErr(brokers []string, err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.last != nil:
		return w.last
	case w.reqBroker != "":
		return &brokerError{Broker: w.reqBroker, Err: err, step: w.reqKey, tls: w.tls, mech: w.mech}
	}
	return fmt.Errorf("cannot reach brokers %s: %w", strings.Join(brokers, ","), err)
}

// brokerError is a failed connection to one broker, worded with its cause.
type brokerError struct {
	Broker string
	Err    error
	step   int16 // request whose answer failed, -1 if none (dial, TLS handshake)
	tls    bool
	mech   string
}

func (e *brokerError) Unwrap() error { return e.Err }

func (e *brokerError) Error() string {
	return "broker " + e.Broker + ": " + cause(e.Err, e.step, e.tls, e.mech)
}

// cause says what a connection error means, most specific first; the
// client's own error text follows.
func cause(err error, step int16, tlsOn bool, mech string) string {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		header    tls.RecordHeaderError
		op        *net.OpError
		firstEOF  *kgo.ErrFirstReadEOF
	)
	dropped := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
	switch {
	case errors.Is(err, kerr.SaslAuthenticationFailed):
		return "SASL " + mech + " authentication failed (wrong user or password?): " + err.Error()
	case dropped && step == int16(kmsg.SASLAuthenticate):
		return "SASL " + mech + " authentication failed: the broker closed the connection on the credentials " +
			"(wrong user or password, or a mechanism this listener does not enable)"
	case errors.Is(err, kerr.UnsupportedSaslMechanism):
		return "the listener does not enable SASL " + mech + ": " + err.Error()
	case dropped && step == int16(kmsg.SASLHandshake):
		return "the broker closed the connection on the SASL handshake (is SASL enabled on this listener?): " + err.Error()
	case errors.As(err, &unknownCA):
		return "TLS: the broker's certificate is not signed by a trusted CA: " + err.Error()
	case errors.As(err, &hostname):
		return "TLS: the broker's certificate is not valid for this address: " + err.Error()
	case errors.As(err, &invalid):
		return "TLS: the broker's certificate is invalid: " + err.Error()
	case errors.As(err, &verify):
		return "TLS: the broker's certificate cannot be verified: " + err.Error()
	case errors.As(err, &op) && op.Op == "remote error" && strings.Contains(op.Err.Error(), "certificate required"):
		return "TLS: the broker requires a client certificate: " + err.Error()
	case errors.As(err, &op) && op.Op == "remote error":
		return "TLS: the broker refused the handshake (is the client certificate signed by a CA it trusts?): " + err.Error()
	case errors.As(err, &header):
		return "TLS: the broker does not speak TLS on this port: " + err.Error()
	case errors.As(err, &firstEOF):
		return err.Error() // already a diagnosis: "... is TLS missing?"
	case tlsOn && errors.Is(err, context.DeadlineExceeded):
		return "no TLS connection within the dial timeout (does this port speak TLS, and is it reachable?): " + err.Error()
	case step < 0 && !dropped:
		return "unreachable: " + err.Error()
	}
	return err.Error()
}

// isFatal reports whether an error met while running is one that retrying
// cannot mend.
func isFatal(err error) bool {
	for _, k := range []error{kerr.SaslAuthenticationFailed, kerr.UnsupportedSaslMechanism, kerr.GroupAuthorizationFailed,
		kerr.TopicAuthorizationFailed, kerr.ClusterAuthorizationFailed, kerr.FencedInstanceID, kerr.InvalidSessionTimeout,
		kerr.InconsistentGroupProtocol, kerr.InvalidGroupID} {
		if errors.Is(err, k) {
			return true
		}
	}
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		op        *net.OpError
	)
	return errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify) ||
		errors.As(err, &op) && op.Op == "remote error"
}

// runErr words an error that ends a running ingestion.
func (c *consumer) runErr(err error) error {
	if errors.Is(err, kerr.FencedInstanceID) {
		return fmt.Errorf("kafka: another member joined group %s with this ingester's instance id %s; two running "+
			"ingesters must not share one (the default id is per host and warehouse file): %w", c.cfg.Group, c.instance, err)
	}
	if be := c.watch.latest(); be != nil && isFatal(be.Err) {
		return fmt.Errorf("kafka: %w", be) // the connection failure is the cause; err may only say "EOF"
	}
	return fmt.Errorf("kafka: %w", err)
}

// checkTopics fails fast, with a clear reason, when the brokers cannot be
// reached or a topic does not exist: otherwise the client would retry
// forever and the user would only see "0 events".
func (c *consumer) checkTopics(ctx context.Context) error {
	tctx, cancel := context.WithTimeout(ctx, failFast)
	defer cancel()
	topics, err := c.adm.ListTopics(tctx, c.cfg.Topics...)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("kafka: %w", c.watch.startErr(c.cfg.Brokers, err))
	}
	for _, t := range c.cfg.Topics {
		if d, ok := topics[t]; !ok || d.Err != nil {
			return topicErr(t, d, ok)
		}
	}
	return nil
}

func topicErr(t string, d kadm.TopicDetail, ok bool) error {
	if ok && !errors.Is(d.Err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("kafka: topic %q: %w", t, d.Err)
	}
	return fmt.Errorf("kafka: topic %q does not exist (pmx never creates topics; create it with the partitions and replication you want)", t)
}
