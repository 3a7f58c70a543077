// The floor of any process on this machine for bench_startup: a static executable that does
// nothing (exec, the C runtime's start-up, exit).
int main() {
  return 0;
}
