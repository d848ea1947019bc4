package testenv

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// pki holds the paths of the keys and certificates a control plane shares
// between its apiservers and its controller manager, and the CA in memory.
type pki struct {
	// caFile is the self-signed CA that signed the serving certificate.
	caFile string
	// caPEM is the content of caFile, embedded in kubeconfigs.
	caPEM []byte
	// certFile and keyFile are the apiserver's serving certificate and key.
	certFile, keyFile string
	// saKeyFile and saPubFile are the RSA service-account signing key pair.
	saKeyFile, saPubFile string
	// tokenFile is the CSV the apiserver reads with --token-auth-file.
	tokenFile string
	// adminToken and restrictedToken are the bearer tokens of the two users.
	adminToken, restrictedToken string
}

// certValidity is how long the generated certificates are valid.
const certValidity = 365 * 24 * time.Hour

// newPKI writes a CA, a serving certificate, a service-account key pair and
// a token file under dir.
func newPKI(dir string) (*pki, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("failed to create pki directory: %w", err)
	}
	p := &pki{
		caFile:    filepath.Join(dir, "ca.crt"),
		certFile:  filepath.Join(dir, "apiserver.crt"),
		keyFile:   filepath.Join(dir, "apiserver.key"),
		saKeyFile: filepath.Join(dir, "sa.key"),
		saPubFile: filepath.Join(dir, "sa.pub"),
		tokenFile: filepath.Join(dir, "tokens.csv"),
	}
	for _, step := range []func() error{p.writeCerts, p.writeServiceAccountKey, p.writeTokens} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// writeCerts writes the CA and the serving certificate signed by it.
func (p *pki) writeCerts() error {
	caKey, caCert, err := newCA()
	if err != nil {
		return err
	}
	p.caPEM = pemBlock("CERTIFICATE", caCert.Raw)
	if err := os.WriteFile(p.caFile, p.caPEM, 0o644); err != nil {
		return fmt.Errorf("failed to write CA certificate: %w", err)
	}
	key, der, err := newServingCert(caKey, caCert)
	if err != nil {
		return err
	}
	return writeKeyPair(p.certFile, p.keyFile, der, key)
}

// newCA creates a self-signed CA certificate and its key.
func newCA() (crypto.Signer, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to generate CA key: %w", err)
	}
	tmpl := certTemplate("kdx-testenv-ca")
	tmpl.IsCA = true
	tmpl.BasicConstraintsValid = true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to parse CA certificate: %w", err)
	}
	return key, cert, nil
}

// newServingCert creates the apiserver's serving certificate, valid for the
// loopback addresses and the in-cluster names of the kubernetes service.
func newServingCert(caKey crypto.Signer, ca *x509.Certificate) (crypto.Signer, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to generate serving key: %w", err)
	}
	tmpl := certTemplate("kube-apiserver")
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback, net.IPv4(10, 0, 0, 1)}
	tmpl.DNSNames = []string{"localhost", "kubernetes", "kubernetes.default",
		"kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to create serving certificate: %w", err)
	}
	return key, der, nil
}

// certTemplate returns a certificate template with a random serial number.
func certTemplate(commonName string) *x509.Certificate {
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certValidity),
	}
}

// writeKeyPair writes a DER certificate and its private key as PEM files.
func writeKeyPair(certFile, keyFile string, der []byte, key crypto.Signer) error {
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("failed to encode private key: %w", err)
	}
	if err := os.WriteFile(certFile, pemBlock("CERTIFICATE", der), 0o644); err != nil {
		return fmt.Errorf("failed to write certificate: %w", err)
	}
	if err := os.WriteFile(keyFile, pemBlock("PRIVATE KEY", keyDER), 0o600); err != nil {
		return fmt.Errorf("failed to write private key: %w", err)
	}
	return nil
}

// writeServiceAccountKey writes the RSA key pair that signs service-account tokens.
func (p *pki) writeServiceAccountKey() error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return fmt.Errorf("failed to generate service-account key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return fmt.Errorf("failed to encode service-account public key: %w", err)
	}
	keyPEM := pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))
	if err := os.WriteFile(p.saKeyFile, keyPEM, 0o600); err != nil {
		return fmt.Errorf("failed to write service-account key: %w", err)
	}
	if err := os.WriteFile(p.saPubFile, pemBlock("PUBLIC KEY", pub), 0o644); err != nil {
		return fmt.Errorf("failed to write service-account public key: %w", err)
	}
	return nil
}

// writeTokens writes the static token file: "admin" in system:masters and
// "restricted" in no group, so RBAC grants it nothing beyond discovery.
func (p *pki) writeTokens() error {
	p.adminToken, p.restrictedToken = randomHex(16), randomHex(16)
	csv := fmt.Sprintf("%s,admin,admin-uid,\"system:masters\"\n%s,restricted,restricted-uid\n",
		p.adminToken, p.restrictedToken)
	if err := os.WriteFile(p.tokenFile, []byte(csv), 0o600); err != nil {
		return fmt.Errorf("failed to write token file: %w", err)
	}
	return nil
}

// pemBlock encodes der as a PEM block of the given type.
func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
