// A shared library that is not a Shoal plugin: it has no shoal_plugin_entry.
extern "C" __attribute__((visibility("default"))) int not_a_plugin() {
  return 7;
}
