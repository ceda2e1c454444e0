// A plugin with two ops: a plain one, and a stateful one whose lookup table
// each worker builds once. Start your own from here (docs/plugins.md).
#include <shoal/plugin.h>

#include <cctype>
#include <string>
#include <unordered_map>

namespace {

// The state of greet.language: built once per worker, then only read, so
// tasks on several threads of the worker may share it without a lock.
struct Greetings {
  std::unordered_map<std::string, std::string> by_language{
      {"en", "hello"}, {"fr", "bonjour"}, {"de", "hallo"}, {"es", "hola"}};
};

}  // namespace

SHOAL_PLUGIN("greet", "0.1.0") {
  plugin.op("greet.hello")
      .doc("Greets someone: \"hello NAME\", or \"HELLO NAME!\" when loud.")
      .input("name", "string", "Who to greet")
      .output("out", "string")
      .param_choice("style", "plain", {"plain", "loud"}, "How to greet")
      .run([](shoal::OpContext&, std::span<const shoal::Value> in, const shoal::Params& p) {
        std::string s = "hello " + in[0].as_string();
        if (p.at("style").as_string() == "loud") {
          for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          s += "!";
        }
        return shoal::Value(s);
      });

  plugin.op("greet.language")
      .doc("Greets someone in a language given by its code (en, fr, de, es).")
      .input("name", "string", "Who to greet")
      .output("out", "string")
      .param_string("language", "en", "A language code")
      .run_with_state<Greetings>([] { return std::make_shared<Greetings>(); },
                                 [](Greetings& g, shoal::OpContext&,
                                    std::span<const shoal::Value> in, const shoal::Params& p) {
                                   auto it = g.by_language.find(p.at("language").as_string());
                                   if (it == g.by_language.end()) {
                                     throw shoal::Error("op 'greet.language': unknown language '" +
                                                        p.at("language").as_string() +
                                                        "'; use en, fr, de or es");
                                   }
                                   return shoal::Value(it->second + " " + in[0].as_string());
                                 });
}
