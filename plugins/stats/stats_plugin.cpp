// The stats plugin: histogram, quantiles, correlation, and simple linear
// regression (fit, then predict with the fitted model as an input). Each op
// reads numbers from a list of numbers, or from a Table column named by a
// parameter; nulls in a column are skipped (pairs with a null are dropped).
// Results follow numpy: histogram as numpy.histogram, quantiles as
// numpy.quantile (linear), correlation as numpy.corrcoef, fit as
// numpy.polyfit(x, y, 1).
#include <shoal/column.h>
#include <shoal/plugin.h>
#include <shoal/table.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

using shoal::Error;
using shoal::List;
using shoal::OpContext;
using shoal::Params;
using shoal::Value;
using Inputs = std::span<const Value>;

// One number per row of a column (NaN for a null, for pairing), or throws.
std::vector<double> column_numbers(const shoal::Table& t, const std::string& name,
                                   const std::string& op) {
  if (name.empty()) {
    throw Error("op '" + op +
                "': the input is a table; set the column parameter to one of its columns");
  }
  if (t.index_of(name) < 0) throw Error("op '" + op + "': the table has no column '" + name + "'");
  const shoal::Column& c = t.column(name);
  std::vector<double> out(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!c.is_valid(i)) {
      out[i] = std::numeric_limits<double>::quiet_NaN();
    } else if (c.type() == shoal::DataType::kFloat64) {
      out[i] = c.float64s()[i];
    } else if (c.type() == shoal::DataType::kInt64) {
      out[i] = static_cast<double>(c.int64s()[i]);
    } else {
      throw Error("op '" + op + "': column '" + name + "' is not numeric (int64 or float64)");
    }
  }
  return out;
}

// The numbers of a list (null items as NaN) or of a table column.
std::vector<double> numbers(const Value& v, const std::string& column, const std::string& op) {
  if (v.is_table()) return column_numbers(v.as_table(), column, op);
  if (!v.is_list()) {
    throw Error("op '" + op + "': expected a list of numbers or a table, got " +
                std::string(shoal::kind_name(v.kind())));
  }
  std::vector<double> out;
  out.reserve(v.as_list().size());
  for (const Value& x : v.as_list()) {
    if (!x.is_number() && !x.is_null()) {
      throw Error("op '" + op + "': expected numbers, found " +
                  std::string(shoal::kind_name(x.kind())));
    }
    out.push_back(x.is_null() ? std::numeric_limits<double>::quiet_NaN() : x.as_float());
  }
  return out;
}

std::vector<double> drop_nulls(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  return v;
}

// Paired samples: x and y of equal length with the pairs holding a null dropped.
struct Pairs {
  std::vector<double> x, y;
};

Pairs pairs(const Value& xv, const Value& yv, const Params& p, const std::string& op) {
  std::vector<double> x = numbers(xv, p.at("x_column").as_string(), op);
  std::vector<double> y = numbers(yv.is_null() ? xv : yv, p.at("y_column").as_string(), op);
  if (x.size() != y.size()) {
    throw Error("op '" + op + "': x has " + std::to_string(x.size()) + " values but y has " +
                std::to_string(y.size()) + "; pass samples of equal length");
  }
  Pairs out;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isnan(x[i]) && !std::isnan(y[i])) out.x.push_back(x[i]), out.y.push_back(y[i]);
  }
  return out;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// Sums of centred squares and products: sxx, syy, sxy.
struct Moments {
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
};

Moments moments(const Pairs& d) {
  Moments m{mean(d.x), mean(d.y)};
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    double dx = d.x[i] - m.mx, dy = d.y[i] - m.my;
    m.sxx += dx * dx, m.syy += dy * dy, m.sxy += dx * dy;
  }
  return m;
}

// numpy.histogram: `bins` equal bins over [lo, hi] (the data's range unless
// given), the last bin closed.
Value histogram(const std::vector<double>& v, std::int64_t bins, double lo, double hi) {
  if (lo == hi) lo -= 0.5, hi += 0.5;  // numpy widens an empty range the same way
  std::vector<std::int64_t> counts(static_cast<std::size_t>(bins), 0);
  double width = (hi - lo) / static_cast<double>(bins);
  for (double x : v) {
    if (x < lo || x > hi) continue;
    auto b = static_cast<std::int64_t>((x - lo) / width);
    counts[static_cast<std::size_t>(std::min(b, bins - 1))]++;
  }
  List c, edges;
  for (std::int64_t n : counts) c.emplace_back(n);
  for (std::int64_t i = 0; i <= bins; ++i) edges.emplace_back(lo + width * static_cast<double>(i));
  return Value(List{Value(std::move(c)), Value(std::move(edges))});
}

// numpy.quantile, method "linear": position q * (n - 1) in the sorted data.
double quantile(const std::vector<double>& sorted, double q) {
  double pos = q * static_cast<double>(sorted.size() - 1);
  auto i = static_cast<std::size_t>(std::floor(pos));
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + (pos - static_cast<double>(i)) * (sorted[i + 1] - sorted[i]);
}

shoal::ParamSpec list_param(std::string name, List def, std::string doc) {
  shoal::ParamSpec s;
  s.name = std::move(name);
  s.type = shoal::ParamSpec::Type::kList;
  s.default_value = Value(std::move(def));
  s.doc = std::move(doc);
  return s;
}

void need(std::size_t n, std::size_t at_least, const std::string& op) {
  if (n < at_least) {
    throw Error("op '" + op + "': needs at least " + std::to_string(at_least) +
                " values (not null), got " + std::to_string(n));
  }
}

}  // namespace

SHOAL_PLUGIN("stats", "1.0.0") {
  plugin.op("stats.histogram")
      .doc(
          "Counts of values in `bins` equal-width bins, as numpy.histogram: outputs counts and bin "
          "edges.")
      .input("values", "any", "A list of numbers, or a table (see column)")
      .output("counts", "list", "bins counts (int64)")
      .output("edges", "list", "bins + 1 edges (float64)")
      .param_int("bins", 10, 1, 1e6, "Number of bins")
      .param_string("column", "", "The column to read when the input is a table")
      .param(shoal::ParamSpec{"range",
                              shoal::ParamSpec::Type::kList,
                              Value(),
                              false,
                              {},
                              {},
                              {},
                              "[low, high]; the data's range when unset"})
      .run([](OpContext&, Inputs in, const Params& p) {
        std::vector<double> v =
            drop_nulls(numbers(in[0], p.at("column").as_string(), "stats.histogram"));
        double lo = 0, hi = 0;
        if (const Value* r = p.find("range"); r && !r->is_null()) {
          if (r->as_list().size() != 2)
            throw Error("op 'stats.histogram': range must be [low, high]");
          lo = r->as_list()[0].as_float(), hi = r->as_list()[1].as_float();
          if (!(lo <= hi)) throw Error("op 'stats.histogram': range must have low <= high");
        } else {
          need(v.size(), 1, "stats.histogram");
          auto [mn, mx] = std::minmax_element(v.begin(), v.end());
          lo = *mn, hi = *mx;
        }
        return histogram(v, p.at("bins").as_int(), lo, hi);
      });

  plugin.op("stats.quantiles")
      .doc(
          "The quantiles `q` of the values (linear interpolation, as numpy.quantile), as a list of "
          "float64.")
      .input("values", "any", "A list of numbers, or a table (see column)")
      .output("out", "list")
      .param(list_param("q", List{Value(0.25), Value(0.5), Value(0.75)}, "Quantiles in [0, 1]"))
      .param_string("column", "", "The column to read when the input is a table")
      .run([](OpContext&, Inputs in, const Params& p) {
        std::vector<double> v =
            drop_nulls(numbers(in[0], p.at("column").as_string(), "stats.quantiles"));
        need(v.size(), 1, "stats.quantiles");
        std::sort(v.begin(), v.end());
        List out;
        for (const Value& q : p.at("q").as_list()) {
          double f = q.as_float();
          if (!(f >= 0 && f <= 1))
            throw Error("op 'stats.quantiles': each q must be in [0, 1], got " + q.repr());
          out.emplace_back(quantile(v, f));
        }
        return Value(std::move(out));
      });

  plugin.op("stats.correlation")
      .doc(
          "Pearson's correlation coefficient of x and y (numpy.corrcoef); with one table input, of "
          "two of its "
          "columns.")
      .input("x", "any", "A list of numbers, or a table")
      .optional_input("y", "any",
                      "A list of numbers, or a table; unset = read y_column from x's table")
      .output("r", "float64")
      .param_string("x_column", "", "x's column when x is a table")
      .param_string("y_column", "", "y's column when y (or x) is a table")
      .run([](OpContext&, Inputs in, const Params& p) {
        Pairs d = pairs(in[0], in.size() > 1 ? in[1] : Value(), p, "stats.correlation");
        need(d.x.size(), 2, "stats.correlation");
        Moments m = moments(d);
        if (m.sxx == 0 || m.syy == 0)
          throw Error("op 'stats.correlation': x or y is constant; r is undefined");
        return Value(m.sxy / std::sqrt(m.sxx * m.syy));
      });

  plugin.op("stats.linear_fit")
      .doc(
          "Least-squares line y = slope * x + intercept (numpy.polyfit(x, y, 1)); the model is the "
          "list "
          "[slope, intercept], the input of stats.linear_predict.")
      .input("x", "any", "A list of numbers, or a table")
      .optional_input("y", "any",
                      "A list of numbers, or a table; unset = read y_column from x's table")
      .output("model", "list", "[slope, intercept]")
      .param_string("x_column", "", "x's column when x is a table")
      .param_string("y_column", "", "y's column when y (or x) is a table")
      .run([](OpContext&, Inputs in, const Params& p) {
        Pairs d = pairs(in[0], in.size() > 1 ? in[1] : Value(), p, "stats.linear_fit");
        need(d.x.size(), 2, "stats.linear_fit");
        Moments m = moments(d);
        if (m.sxx == 0)
          throw Error("op 'stats.linear_fit': every x is the same; the slope is undefined");
        double slope = m.sxy / m.sxx;
        return Value(List{Value(slope), Value(m.my - slope * m.mx)});
      });

  plugin.op("stats.linear_predict")
      .doc("slope * x + intercept for each x, from a model made by stats.linear_fit.")
      .input("model", "list", "[slope, intercept]")
      .input("x", "any", "A list of numbers, or a table (see column)")
      .output("y", "list", "One float64 per x (null for a null x)")
      .param_string("column", "", "The column to read when x is a table")
      .run([](OpContext&, Inputs in, const Params& p) {
        const List& model = in[0].as_list();
        if (model.size() != 2)
          throw Error("op 'stats.linear_predict': the model must be [slope, intercept]");
        double slope = model[0].as_float(), intercept = model[1].as_float();
        List out;
        for (double x : numbers(in[1], p.at("column").as_string(), "stats.linear_predict")) {
          out.push_back(std::isnan(x) ? Value() : Value(slope * x + intercept));
        }
        return Value(std::move(out));
      });
}
