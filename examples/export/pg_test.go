package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The PostgreSQL tests run against a server of their own: initdb in a
// temporary directory, on a free port of 127.0.0.1, stopped when the tests
// end. RUNNEL_PG_URL points them at another server instead. Without
// PostgreSQL's programs they are skipped, unless RUNNEL_REQUIRE_POSTGRES is
// set (CI), where that is a failure; scripts/test.sh installs them.

// pgServer is the tests' PostgreSQL server, started by TestMain.
var pgServer struct {
	url string // empty: none
	err error  // why there is none
}

func TestMain(m *testing.M) {
	stop := func() {}
	if u := os.Getenv("RUNNEL_PG_URL"); u != "" {
		pgServer.url = u
	} else {
		pgServer.url, stop, pgServer.err = startPostgres()
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// needPG returns the URL of the tests' PostgreSQL server, or skips the test
// (fails it under RUNNEL_REQUIRE_POSTGRES) when there is none.
func needPG(t testing.TB) string {
	t.Helper()
	if pgServer.url == "" {
		if os.Getenv("RUNNEL_REQUIRE_POSTGRES") != "" {
			t.Fatalf("no PostgreSQL server: %v", pgServer.err)
		}
		t.Skipf("no PostgreSQL server: %v", pgServer.err)
	}
	return pgServer.url
}

// pgBin finds PostgreSQL's server programs: on PATH, else in Debian's
// /usr/lib/postgresql/<version>/bin (the newest).
func pgBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("initdb not found (install Debian's postgresql package)")
}

func pgVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// startPostgres starts a throwaway PostgreSQL server and returns its URL and
// a function that stops it and removes its files. PostgreSQL refuses to run
// as root; as root, the server runs as the postgres user (or nobody).
func startPostgres() (url string, stop func(), err error) {
	stop = func() {}
	bin, err := pgBin()
	if err != nil {
		return "", stop, err
	}
	dir, err := os.MkdirTemp("", "runnel-pg-")
	if err != nil {
		return "", stop, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		name := "postgres"
		u, lerr := user.Lookup(name)
		if lerr != nil {
			if u, lerr = user.Lookup("nobody"); lerr != nil {
				cleanup()
				return "", stop, fmt.Errorf("running as root, and no postgres or nobody user to run PostgreSQL as")
			}
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			cleanup()
			return "", stop, err
		}
	}
	command := func(name string, args ...string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		return cmd
	}
	data := filepath.Join(dir, "data")
	// A watchdog stops the server if the test process dies without
	// stopping it (killed, or a test timeout), so no server outlives it;
	// it starts before the server does, so there is no moment without it.
	// (It watches /proc, since as another user it may not signal us.)
	watchdog := exec.Command("/bin/sh", "-c", `while [ -d "/proc/$1" ]; do sleep 1; done; "$2" stop -D "$3" -m immediate >/dev/null 2>&1; rm -rf "$4"`,
		"watchdog", strconv.Itoa(os.Getpid()), filepath.Join(bin, "pg_ctl"), data, dir)
	if cred != nil {
		watchdog.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	} else {
		watchdog.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	if err := watchdog.Start(); err != nil {
		cleanup()
		return "", stop, fmt.Errorf("watchdog: %w", err)
	}
	go watchdog.Wait()
	if out, err := command("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync").CombinedOutput(); err != nil {
		cleanup()
		return "", stop, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		cleanup()
		return "", stop, err
	}
	opts := strings.Join([]string{
		"-p", strconv.Itoa(port), "-k", dir, "-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
	}, " ")
	if out, err := command("pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		cleanup()
		return "", stop, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	stop = func() {
		command("pg_ctl", "stop", "-D", data, "-m", "immediate", "-w").Run()
		cleanup()
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), stop, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitFor polls cond every millisecond until it holds or d has passed, and
// returns how long it took and whether it held.
func waitFor(d time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	for {
		if cond() {
			return time.Since(start), true
		}
		if time.Since(start) > d {
			return time.Since(start), false
		}
		time.Sleep(time.Millisecond)
	}
}
