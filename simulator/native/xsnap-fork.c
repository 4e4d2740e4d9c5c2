/*
 * Mote's fork server for the XS engine: `xsnap-worker` (from @agoric/xsnap, compiled in at
 * build time, not copied here) with one addition. Started with MOTE_XSNAP_FORK=<unix socket>
 * and a heap snapshot (-r), it loads the machine once and then, for each "f" read on fd 3,
 * forks: the child connects to the socket, takes it as its fds 3 and 4 and carries on as a
 * plain xsnap-worker from that machine; the server answers "p<pid>\n" on fd 4, and
 * "x<pid> <exit code>\n" when a child ends. A deep-sleep wake in the simulator is then a fresh
 * machine booted from the preloaded image (as a board boots its firmware from flash) for the
 * price of a fork, instead of a process start plus a snapshot load (~30 ms).
 *
 * The hook: xsnap-worker's main() calls signal(SIGPIPE, …) right after the machine is built
 * and before it opens fds 3 and 4; that call is where the server forks.
 */
#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void moteForkPoint(void);
#define signal(sig, handler) (moteForkPoint(), signal(sig, handler))
#include "xsnap-worker.c"
#undef signal

static int moteWriteAll(int fd, const char* text, size_t length)
{
	while (length) {
		ssize_t written = write(fd, text, length);
		if (written < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		text += written;
		length -= (size_t)written;
	}
	return 0;
}

/* Async-signal-safe: reaps ended children and reports their exit codes. */
static void moteOnChild(int sig)
{
	int saved = errno;
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		char line[40];
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		char digits[24];
		int length = 0, n;
		line[length++] = 'x';
		n = 0;
		do { digits[n++] = (char)('0' + pid % 10); pid /= 10; } while (pid);
		while (n) line[length++] = digits[--n];
		line[length++] = ' ';
		do { digits[n++] = (char)('0' + code % 10); code /= 10; } while (code);
		while (n) line[length++] = digits[--n];
		line[length++] = '\n';
		moteWriteAll(4, line, (size_t)length);
	}
	errno = saved;
}

static void moteForkPoint(void)
{
	const char* path = getenv("MOTE_XSNAP_FORK");
	if (!path || !*path) return;
	struct sigaction action;
	memset(&action, 0, sizeof(action));
	action.sa_handler = moteOnChild;
	action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &action, NULL);
	for (;;) {
		char request;
		ssize_t count = read(3, &request, 1);
		if (count < 0 && errno == EINTR) continue;
		if (count <= 0) _exit(0);
		if (request != 'f') continue;
		pid_t pid = fork();
		if (pid < 0) {
			moteWriteAll(4, "e\n", 2);
			continue;
		}
		if (pid == 0) {
			action.sa_handler = SIG_DFL;
			sigaction(SIGCHLD, &action, NULL);
			int sock = socket(AF_UNIX, SOCK_STREAM, 0);
			struct sockaddr_un address;
			memset(&address, 0, sizeof(address));
			address.sun_family = AF_UNIX;
			strncpy(address.sun_path, path, sizeof(address.sun_path) - 1);
			if (sock < 0 || connect(sock, (struct sockaddr*)&address, sizeof(address)) < 0) _exit(E_IO_ERROR);
			char hello[24];
			int length = snprintf(hello, sizeof(hello), "%d\n", (int)getpid());
			if (moteWriteAll(sock, hello, (size_t)length) < 0) _exit(E_IO_ERROR);
			dup2(sock, 3);
			dup2(sock, 4);
			close(sock);
			return;
		}
		char line[24];
		int length = snprintf(line, sizeof(line), "p%d\n", (int)pid);
		moteWriteAll(4, line, (size_t)length);
	}
}
