// Package devdb starts a private PostgreSQL for a developer who has none: `go run .`
// with no DATABASE_URL and nothing answering at the default address gets a cluster of its
// own, made with the machine's PostgreSQL binaries (initdb, pg_ctl), its data kept in the
// user's cache directory between runs, and stopped when the server stops.
//
// It uses the installed binaries rather than a library that downloads them (such as
// fergusstrange/embedded-postgres, which fetches from Maven Central): the project's
// machines reach no such host, and a developer with PostgreSQL packages has them already.
// PostgreSQL refuses to run as root, so under root the cluster runs as the postgres
// system user, which Debian's packages create.
package devdb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Options say where the cluster lives.
type Options struct {
	// Port is the loopback port it listens on.
	Port int
	// Dir holds the cluster (data/, its log and its socket); empty for the default, see
	// DefaultDir.
	Dir string
}

// Cluster is a running private PostgreSQL.
type Cluster struct {
	// URL is the address of its campaigns database (created by the store on first use).
	URL string
	// Dir holds its data and log.
	Dir string
	// started says whether Start started it, and so whether Stop stops it: a cluster
	// another process started is left running for that process.
	started bool
	bin     string
	cred    *syscall.Credential
}

// Answers reports whether anything accepts TCP connections at the host and port of the
// PostgreSQL URL rawURL, within a second.
func Answers(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return true // not ours to judge: let the store say what is wrong with it
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "5432")
	}
	conn, err := net.DialTimeout("tcp", host, time.Second)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}

// DefaultDir is where the cluster's data is kept: the user's cache directory, or for root,
// whose home the postgres user cannot enter, /var/lib/campaigns.
func DefaultDir() (string, error) {
	if os.Geteuid() == 0 {
		return "/var/lib/campaigns/dev-postgres", nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("private PostgreSQL: no cache directory for its data: %w", err)
	}
	return filepath.Join(cache, "campaigns", "dev-postgres"), nil
}

// lookupUser finds the user a cluster runs as under root; a variable for tests.
var lookupUser = user.Lookup

// Start starts the private cluster, creating it on first use, and waits until it accepts
// connections. Every error is one line that says what to do instead.
func Start(ctx context.Context, opt Options) (*Cluster, error) {
	bin := Binaries()
	if bin == "" {
		return nil, errors.New("no PostgreSQL answers and no PostgreSQL server binaries (initdb, pg_ctl) are installed to start one: install PostgreSQL (apt-get install postgresql) or set DATABASE_URL")
	}
	c := &Cluster{Dir: opt.Dir, bin: bin}
	if c.Dir == "" {
		var err error
		if c.Dir, err = DefaultDir(); err != nil {
			return nil, err
		}
	}
	// One directory per major version: a newer PostgreSQL cannot open an older's data.
	c.Dir = filepath.Join(c.Dir, filepath.Base(filepath.Dir(bin)))
	// The parents must let the postgres user through when it runs the cluster for root.
	if err := os.MkdirAll(filepath.Dir(c.Dir), 0o755); err != nil {
		return nil, fmt.Errorf("private PostgreSQL: %w", err)
	}
	if err := os.Mkdir(c.Dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("private PostgreSQL: %w", err)
	}
	if os.Geteuid() == 0 {
		u, err := lookupUser("postgres")
		if err != nil {
			return nil, errors.New("no PostgreSQL answers, and PostgreSQL refuses to run as root, but this machine has no postgres user to run a private one as: run as another user, create a postgres user, or set DATABASE_URL")
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(c.Dir, int(uid), int(gid)); err != nil {
			return nil, fmt.Errorf("private PostgreSQL: give %s to the postgres user: %w", c.Dir, err)
		}
	}
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/campaigns?sslmode=disable", opt.Port)
	if _, err := os.Stat(filepath.Join(c.data(), "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.run(ctx, "initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-instructions"); err != nil {
			return nil, err
		}
	}
	if c.run(ctx, "pg_ctl", "-D", c.data(), "status") == nil {
		return c, nil // already running, started by another run that still uses it
	}
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s", opt.Port, c.Dir)
	if err := c.run(ctx, "pg_ctl", "-D", c.data(), "-l", c.Log(), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		return nil, fmt.Errorf("%w (its log: %s)", err, c.Log())
	}
	c.started = true
	return c, nil
}

// Stop stops the cluster if Start started it, letting its connections finish first.
func (c *Cluster) Stop() error {
	if c == nil || !c.started {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "fast", "-w", "-t", "60", "stop")
}

// Started reports whether Start started the cluster (rather than finding it running).
func (c *Cluster) Started() bool { return c.started }

// Log is the server log's path.
func (c *Cluster) Log() string { return filepath.Join(c.Dir, "log") }

func (c *Cluster) data() string { return filepath.Join(c.Dir, "data") }

func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.Dir // the postgres user may not enter the caller's working directory
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("private PostgreSQL: %s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Binaries returns the directory of the newest installed initdb and pg_ctl, or "".
func Binaries() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return major(dirs[i]) > major(dirs[j]) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil && isFile(filepath.Join(filepath.Dir(p), "initdb")) {
		return filepath.Dir(p)
	}
	return ""
}

func major(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
