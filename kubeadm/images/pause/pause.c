/*
 * pause: the process that holds a pod sandbox's namespaces.
 *
 * It sleeps in pause() until a signal arrives. SIGINT and SIGTERM end it with status 0;
 * SIGCHLD reaps every exited child, since it is PID 1 of the pod's PID namespace when the
 * pod shares one. `-v` prints the version and exits. Built with `cc -static -Os` by
 * `kubeadm images build`; it links nothing but libc.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PAUSE_VERSION
#define PAUSE_VERSION "3.10"
#endif

static void on_stop(int signo) {
  (void)signo;
  _exit(0);
}

static void on_child(int signo) {
  (void)signo;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  struct sigaction action;

  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    printf("pause.c %s (kubernetes-rs)\n", PAUSE_VERSION);
    return 0;
  }
  if (getpid() != 1) {
    fprintf(stderr, "Warning: pause should be the first process\n");
  }

  memset(&action, 0, sizeof(action));
  sigemptyset(&action.sa_mask);
  action.sa_handler = on_stop;
  if (sigaction(SIGINT, &action, NULL) < 0 || sigaction(SIGTERM, &action, NULL) < 0) {
    perror("sigaction");
    return 1;
  }
  action.sa_handler = on_child;
  action.sa_flags = SA_NOCLDSTOP;
  if (sigaction(SIGCHLD, &action, NULL) < 0) {
    perror("sigaction");
    return 2;
  }

  for (;;) {
    pause();
  }
  /* Not reached. */
  return 42;
}
