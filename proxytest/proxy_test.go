package proxytest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The configurations under test, exactly as docs/deployment.md shows them
// (TestDocumentedConfigs checks that the two agree). In each, the Go
// server is 127.0.0.1:8080 and the site is example.com; the harness puts
// the test's own ports in their place and wraps the snippet in what runs
// the proxy from a temporary directory (nginxMain, caddyGlobal).
const (
	// nginx, nothing but proxy_pass: runnel's X-Accel-Buffering: no turns
	// buffering off for its responses.
	nginxDefault = `location / {
    proxy_pass http://127.0.0.1:8080;
}`

	// nginx with buffering off for every response of the location.
	nginxBufferingOff = `location / {
    proxy_pass http://127.0.0.1:8080;
    proxy_buffering off;
}`

	// nginx compressing runnel's pages (text/html is always in
	// gzip_types), event streams and CSV exports.
	nginxGzip = `location / {
    proxy_pass http://127.0.0.1:8080;
    gzip on;
    gzip_types text/csv text/event-stream;
}`

	// Caddy, nothing but reverse_proxy.
	caddyDefault = `example.com {
	reverse_proxy 127.0.0.1:8080
}`

	// Caddy with flush_interval -1.
	caddyFlush = `example.com {
	reverse_proxy 127.0.0.1:8080 {
		flush_interval -1
	}
}`

	// Caddy compressing.
	caddyEncode = `example.com {
	encode gzip zstd
	reverse_proxy 127.0.0.1:8080
}`
)

// The placeholders of the documented configurations.
const (
	docUpstream = "127.0.0.1:8080"
	docSite     = "example.com"
)

// nginxMain is the rest of nginx.conf: nginx in the foreground, with its
// pid, logs and temporary files in the test's directory, and one server
// on the test's port around the documented location block. USER is "user
// NAME GROUP;" when the test runs as root (so that the workers can use the
// directory), empty otherwise.
const nginxMain = `daemon off;
worker_processes 1;
USER
pid DIR/nginx.pid;
error_log DIR/error.log info;
events {
    worker_connections 64;
}
http {
    access_log DIR/access.log;
    client_body_temp_path DIR/client_body;
    proxy_temp_path DIR/proxy;
    fastcgi_temp_path DIR/fastcgi;
    uwsgi_temp_path DIR/uwsgi;
    scgi_temp_path DIR/scgi;
    server {
        listen 127.0.0.1:LISTEN_PORT;
LOCATION
    }
}
`

// caddyGlobal comes before the documented site block: no admin endpoint,
// no certificates, and the site's listener on the loopback interface only.
const caddyGlobal = `{
	admin off
	auto_https off
	default_bind 127.0.0.1
}

`

// proxy is a running nginx or Caddy.
type proxy struct {
	name    string // e.g. "nginx/1.22.1, gzip on"
	version string // e.g. "1.22.1"
	url     string // http://127.0.0.1:port
}

// binary finds a proxy's executable, or skips the test (fails it when
// RUNNEL_REQUIRE_PROXIES=1, as in CI).
func binary(t *testing.T, name string, alt ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, p := range alt {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	msg := name + " is not installed (apt-get install -y nginx caddy)"
	if os.Getenv("RUNNEL_REQUIRE_PROXIES") == "1" {
		t.Fatal(msg + ", and RUNNEL_REQUIRE_PROXIES=1 requires it")
	}
	t.Skip(msg + "; skipping (set RUNNEL_REQUIRE_PROXIES=1 to fail instead)")
	return ""
}

// version runs bin with args and returns the first line it prints.
func version(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, out)
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

// upstream puts the Go server's port into a documented configuration.
func upstream(config string, port int) string {
	if !strings.Contains(config, docUpstream) {
		panic("the configuration does not proxy to " + docUpstream)
	}
	return strings.ReplaceAll(config, docUpstream, "127.0.0.1:"+strconv.Itoa(port))
}

// startNginx runs nginx with the documented location block in front of the
// Go server's port.
func startNginx(t *testing.T, label, location string, up int) *proxy {
	t.Helper()
	bin := binary(t, "nginx", "/usr/sbin/nginx")
	name := strings.TrimPrefix(version(t, bin, "-v"), "nginx version: ") // "nginx/1.22.1"
	p := start(t, name+", "+label, func(dir string, port int) (*exec.Cmd, error) {
		userLine := ""
		if os.Geteuid() == 0 {
			u, err := user.Current()
			if err != nil {
				return nil, err
			}
			g, err := user.LookupGroupId(u.Gid)
			if err != nil {
				return nil, err
			}
			userLine = "user " + u.Username + " " + g.Name + ";"
		}
		conf := strings.NewReplacer(
			"USER", userLine,
			"DIR", dir,
			"LISTEN_PORT", strconv.Itoa(port),
			"LOCATION", indent(upstream(location, up), "        "),
		).Replace(nginxMain)
		path := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			return nil, err
		}
		return exec.Command(bin, "-p", dir, "-c", path, "-e", filepath.Join(dir, "error.log")), nil
	})
	p.version = strings.TrimPrefix(name, "nginx/")
	return p
}

// startCaddy runs caddy with the documented site block in front of the Go
// server's port.
func startCaddy(t *testing.T, label, site string, up int) *proxy {
	t.Helper()
	bin := binary(t, "caddy")
	v, _, _ := strings.Cut(version(t, bin, "version"), " ") // "2.6.2", or "v2.8.4 h1:…"
	v = strings.TrimPrefix(v, "v")
	p := start(t, "caddy "+v+", "+label, func(dir string, port int) (*exec.Cmd, error) {
		if !strings.HasPrefix(site, docSite+" {") {
			return nil, errors.New("the site block does not start with " + docSite)
		}
		conf := caddyGlobal + "http://127.0.0.1:" + strconv.Itoa(port) + strings.TrimPrefix(upstream(site, up), docSite) + "\n"
		path := filepath.Join(dir, "Caddyfile")
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			return nil, err
		}
		cmd := exec.Command(bin, "run", "--config", path, "--adapter", "caddyfile")
		// Caddy's own state (autosave.json, certificate storage) stays in dir.
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_DATA_HOME="+filepath.Join(dir, "data"))
		return cmd, nil
	})
	p.version = v
	return p
}

// versionLess reports whether the dotted version a is older than b.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func indent(s, by string) string {
	return by + strings.ReplaceAll(s, "\n", "\n"+by)
}

// start runs the command that command builds for a temporary directory and
// a free port, and waits until the port accepts connections. A port taken
// in the meantime is retried with another. The process and its children
// (nginx's worker) are stopped when the test ends.
func start(t *testing.T, name string, command func(dir string, port int) (*exec.Cmd, error)) *proxy {
	t.Helper()
	var lastErr error
	for range 3 {
		dir := t.TempDir()
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		cmd, err := command(dir, port)
		if err != nil {
			t.Fatal(err)
		}
		logFile, err := os.Create(filepath.Join(dir, "process.log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = logFile, logFile
		cmd.Dir = dir
		ownGroup(cmd)
		err = cmd.Start()
		logFile.Close() // the child has its own descriptor
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pr := &process{cmd: cmd, done: make(chan struct{})}
		go func() { pr.err = cmd.Wait(); close(pr.done) }()
		t.Cleanup(func() { pr.stop(t, name, dir) })

		err = waitListening(port, pr)
		if err == nil {
			return &proxy{name: name, url: "http://127.0.0.1:" + strconv.Itoa(port)}
		}
		lastErr = fmt.Errorf("%s did not start: %v\n%s", name, err, logs(dir))
		if !strings.Contains(lastErr.Error(), "address already in use") {
			break
		}
	}
	t.Fatal(lastErr)
	return nil
}

// freePort returns a port of 127.0.0.1 that nothing listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startTimeout bounds a proxy's start (a loaded machine can be slow).
const startTimeout = 30 * time.Second

// waitListening waits until the port accepts a connection, the process
// exits, or startTimeout passes.
func waitListening(port int, pr *process) error {
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(startTimeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-pr.done:
			return fmt.Errorf("the process exited: %v", pr.err)
		case <-time.After(20 * time.Millisecond): // polling for readiness, not ordering
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listens on %s after %v", addr, startTimeout)
		}
	}
}

// process is a started proxy; done is closed when it has exited, with err.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// stopTimeout is how long a proxy gets to exit on SIGTERM before its
// process group is killed.
const stopTimeout = 10 * time.Second

// stop ends the process group: SIGTERM, then SIGKILL if the proxy has not
// exited within stopTimeout. It runs after the Go server has closed (see
// startBackend), so that no proxied request is left for a graceful
// shutdown to wait for. Nothing of the group may outlive it.
func (pr *process) stop(t *testing.T, name, dir string) {
	select {
	case <-pr.done:
		t.Errorf("%s exited during the test: %v\n%s", name, pr.err, logs(dir))
	default:
		terminate(pr.cmd)
		select {
		case <-pr.done:
		case <-time.After(stopTimeout):
			t.Errorf("%s did not stop within %v of SIGTERM (a proxied request still open?); killing it\n%s", name, stopTimeout, logs(dir))
			kill(pr.cmd)
			<-pr.done
		}
	}
	if err := groupGone(pr.cmd); err != nil {
		kill(pr.cmd)
		t.Errorf("%s: %v", name, err)
	}
}

// logs returns the proxy's log files, for failure messages.
func logs(dir string) string {
	var sb strings.Builder
	for _, f := range []string{"process.log", "error.log"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || len(b) == 0 {
			continue
		}
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		fmt.Fprintf(&sb, "--- %s:\n%s\n", f, b)
	}
	return sb.String()
}
