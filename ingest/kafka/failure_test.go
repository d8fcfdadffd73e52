package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The errors a connection fails with, as the client reports them, and what
// pmx makes of them. (Each is also produced for real: against kfake in
// cmd/pmx's tests, against a Kafka broker in .ci/kafka-it.)
func TestConnectionFailureWording(t *testing.T) {
	dial := func(err error) error { return fmt.Errorf("unable to dial: %w", err) }
	sasl, handshake, versions := int16(kmsg.SASLAuthenticate), int16(kmsg.SASLHandshake), int16(kmsg.ApiVersions)
	for _, c := range []struct {
		err   error
		step  int16
		tls   bool
		want  string
		fatal bool
	}{
		{fmt.Errorf("%w: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512",
			kerr.SaslAuthenticationFailed), sasl, true, "SASL SCRAM-SHA-512 authentication failed (wrong user or password?)", true},
		{io.EOF, sasl, false, "SASL SCRAM-SHA-512 authentication failed: the broker closed the connection on the credentials", false},
		{kerr.UnsupportedSaslMechanism, handshake, false, "the listener does not enable SASL SCRAM-SHA-512", true},
		{io.EOF, handshake, false, "closed the connection on the SASL handshake", false},
		{dial(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), -1, true,
			"TLS: the broker's certificate is not signed by a trusted CA: unable to dial: tls: failed to verify certificate: x509: certificate signed by unknown authority", true},
		{dial(&tls.CertificateVerificationError{Err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "10.0.0.1"}}), -1, true,
			"not valid for this address", true},
		{dial(&tls.CertificateVerificationError{Err: x509.CertificateInvalidError{Reason: x509.Expired}}), -1, true,
			"TLS: the broker's certificate is invalid", true},
		{&net.OpError{Op: "remote error", Err: errors.New("tls: certificate required")}, versions, true,
			"TLS: the broker requires a client certificate", true},
		{&net.OpError{Op: "remote error", Err: errors.New("tls: unknown certificate authority")}, versions, true,
			"TLS: the broker refused the handshake", true},
		{dial(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), -1, true,
			"TLS: the broker does not speak TLS on this port", false},
		{&kgo.ErrFirstReadEOF{}, versions, false, "broker closed the connection immediately", false},
		{dial(context.DeadlineExceeded), -1, true, "no TLS connection within the dial timeout", false},
		{dial(&net.OpError{Op: "dial", Err: errors.New("connect: connection refused")}), -1, false, "unreachable: unable to dial", false},
	} {
		be := &brokerError{Broker: "127.0.0.1:9093", Err: c.err, step: c.step, tls: c.tls, mech: "SCRAM-SHA-512"}
		if got := be.Error(); !contains(got, "broker 127.0.0.1:9093: ") || !contains(got, c.want) {
			t.Errorf("%v (step %d): %q, want %q", c.err, c.step, got, c.want)
		}
		if !errors.Is(be, c.err) {
			t.Errorf("%v: the cause does not unwrap", c.err)
		}
		if got := isFatal(&kgo.ErrGroupSession{Err: c.err}); got != c.fatal {
			t.Errorf("%v: fatal %v, want %v", c.err, got, c.fatal)
		}
	}
	for _, err := range []error{kerr.RequestTimedOut, kerr.CoordinatorNotAvailable, kerr.NotCoordinator, kerr.RebalanceInProgress,
		kerr.UnknownMemberID, errors.New("read tcp 127.0.0.1:1->127.0.0.1:2: i/o timeout"), io.EOF} {
		if isFatal(&kgo.ErrGroupSession{Err: err}) {
			t.Errorf("%v: fatal, want retried", err)
		}
	}
	for _, err := range []error{kerr.FencedInstanceID, kerr.GroupAuthorizationFailed, kerr.TopicAuthorizationFailed} {
		if !isFatal(&kgo.ErrGroupSession{Err: err}) {
			t.Errorf("%v: retried, want fatal", err)
		}
	}
}
