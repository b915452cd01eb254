//go:build unix

package proxytest

import (
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// ownGroup starts the command in a process group of its own, so that
// stopping it stops its children too (nginx's worker).
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

func terminate(cmd *exec.Cmd) { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }

func kill(cmd *exec.Cmd) { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

// groupGone waits until no process of the command's group is left (the
// group leader has exited; its children may take a moment longer).
func groupGone(cmd *exec.Cmd) error {
	deadline := time.Now().Add(stopTimeout)
	for {
		err := syscall.Kill(-cmd.Process.Pid, 0)
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes of group %d are still running %v after the proxy exited (kill -0: %v)", cmd.Process.Pid, stopTimeout, err)
		}
		time.Sleep(10 * time.Millisecond) // polling for the processes' exit, not ordering
	}
}
