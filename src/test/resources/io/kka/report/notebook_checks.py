"""Checks of the notebooks' code that NotebookTest runs with python3 (standard library only).

  python3 notebook_checks.py image-reads < code.py
      Prints a JSON list of the calls that may bring a whole Parquet table's image bytes into Python: every call
      that materialises rows (toPandas, collect, read_parquet, read_table, to_table, to_pandas, ...) must select
      columns that exclude the image column (select(...), columns=..., drop("image")), aggregate, or be bounded
      by limit/head/take of at most MAX_ROWS rows, somewhere along the chain of calls and assignments it reads.
      Columns passed as a function parameter are followed to every call of that function.

  python3 notebook_checks.py backends < cells.json
      Executes the notebook's code cells up to the one that defines open_run, with matplotlib, numpy and pandas
      stubbed, in three worlds: without PySpark (a remote URI must fail with a message that says how to get
      PySpark; a local path gets the pyarrow reader) and with a fake PySpark that records what reaches toPandas.
      Prints what happened as one JSON object.
"""
import ast
import json
import sys
import types

IMAGE = "image"
MAX_ROWS = 100
# calls that bring rows of a table into the Python process
MATERIALISE = {"toPandas", "to_pandas", "collect", "toLocalIterator", "read_parquet", "read_table", "read_pandas",
               "to_table", "to_batches", "to_pylist", "to_pydict", "take", "head", "first", "tail"}
# calls that bound the rows materialised: limit(n), head(n), take(n), tail(n); first() is one row
BOUNDS = {"limit", "head", "take", "tail"}
# calls whose result holds aggregates, not rows
AGGREGATES = {"groupBy", "groupby", "agg", "count", "summary", "describe"}
UNKNOWN = None


class Code:
    """The parsed code with its scopes: assignments per scope, functions and their call sites."""

    def __init__(self, source):
        self.tree = ast.parse(source)
        self.parent = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
        self.functions = {}  # name -> [(FunctionDef, is_method)]
        self.modules = set()  # names bound by import: pq.read_table(...) is no call of a function read_table
        self.resolving = set()  # (function, parameter) being resolved: a cycle adds nothing
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                method = isinstance(self.parent.get(node), ast.ClassDef)
                self.functions.setdefault(node.name, []).append((node, method))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self.modules.update((a.asname or a.name).split(".")[0] for a in node.names)

    def scope(self, node):
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)):
                return node
        return self.tree

    def assignments(self, scope, name):
        """Values assigned to name directly in scope (not in nested functions)."""
        out = []
        for node in ast.walk(scope):
            if self.scope(node) is not scope:
                continue
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        out.append(node.value)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name) \
                    and node.target.id == name and node.value is not None:
                out.append(node.value)
        return out

    def parameter(self, scope, name):
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = [a.arg for a in scope.args.posonlyargs + scope.args.args]
            if name in names:
                return names.index(name)
            if name in [a.arg for a in scope.args.kwonlyargs]:
                return -1
        return None

    def arguments(self, function, index, name):
        """Every value passed to parameter (index, name) of function, as (expression, scope) pairs, or None.

        A method is called as obj.name(...) on anything but an imported module, a function as name(...)."""
        out = []
        for fn, method in self.functions.get(function.name, []):
            if fn is not function:
                continue
            for call in ast.walk(self.tree):
                if not isinstance(call, ast.Call):
                    continue
                f = call.func
                if method:
                    if not isinstance(f, ast.Attribute) or f.attr != function.name \
                            or (isinstance(f.value, ast.Name) and f.value.id in self.modules):
                        continue
                elif not isinstance(f, ast.Name) or f.id != function.name:
                    continue
                shift = 1 if method else 0
                value = next((k.value for k in call.keywords if k.arg == name), None)
                if value is None and 0 <= index - shift < len(call.args):
                    value = call.args[index - shift]
                if value is None:
                    default = defaults(function).get(name)
                    if default is None:
                        return None
                    value = default
                out.append((value, self.scope(call)))
        return out


def defaults(fn):
    args = fn.args.posonlyargs + fn.args.args
    out = dict(zip([a.arg for a in args[len(args) - len(fn.args.defaults):]], fn.args.defaults))
    out.update({a.arg: d for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None})
    return out


def strings(code, node, scope, depth=0):
    """The set of column names an expression may hold, or UNKNOWN."""
    if depth > 8:
        return UNKNOWN
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return union(strings(code, e, scope, depth + 1) for e in node.elts)
    if isinstance(node, ast.Starred):
        return strings(code, node.value, scope, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return union([strings(code, node.left, scope, depth + 1), strings(code, node.right, scope, depth + 1)])
    if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
        return union(strings(code, g.iter, scope, depth + 1) for g in node.generators)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "tuple", "set") \
            and len(node.args) == 1:
        return strings(code, node.args[0], scope, depth + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("col", "column") \
            and len(node.args) == 1:
        return strings(code, node.args[0], scope, depth + 1)
    if isinstance(node, ast.Subscript):  # ids[:n], columns[1:]
        return strings(code, node.value, scope, depth + 1)
    if isinstance(node, ast.Name):
        return name_values(code, node.id, scope, depth, lambda v, s: strings(code, v, s, depth + 1))
    return UNKNOWN


def name_values(code, name, scope, depth, resolve):
    """Resolves a name through its assignments, enclosing scopes and, for a parameter, every call site."""
    while True:
        index = code.parameter(scope, name)
        if index is not None:
            key = (id(scope), name)
            if key in code.resolving:
                return set()
            code.resolving.add(key)
            try:
                passed = code.arguments(scope, index, name)
                return UNKNOWN if passed is None else union([resolve(v, s) for v, s in passed])
            finally:
                code.resolving.discard(key)
        values = code.assignments(scope, name)
        if values:
            return union(resolve(v, scope) for v in values)
        if scope is code.tree:
            return UNKNOWN
        scope = code.scope(scope)


def union(sets):
    out = set()
    for s in sets:
        if s is UNKNOWN:
            return UNKNOWN
        out |= s
    return out


def bounded(code, node, scope, depth=0):
    """True if an expression is an int of at most MAX_ROWS (a literal or a name bound to one)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return 0 <= node.value <= MAX_ROWS
    if isinstance(node, ast.Name) and depth < 8:
        ok = name_values(code, node.id, scope, depth,
                         lambda v, s: {bounded(code, v, s, depth + 1)})
        return ok is not UNKNOWN and ok == {True}
    return False


class Verdict:
    def __init__(self):
        self.restricted = False  # columns chosen without the image column, or aggregated
        self.bounded = False
        self.image = False  # a selection that holds the image column


def walk_chain(code, node, scope, verdict, seen, depth=0):
    """Follows the receiver chain of node (calls, attributes, subscripts, names through assignments)."""
    if depth > 30 or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, ast.Call):
        judge_call(code, node, scope, verdict)
        walk_chain(code, node.func, scope, verdict, seen, depth + 1)
    elif isinstance(node, ast.Attribute):
        walk_chain(code, node.value, scope, verdict, seen, depth + 1)
    elif isinstance(node, ast.Subscript):
        cols = strings(code, node.slice, scope)
        if cols is not UNKNOWN and cols and IMAGE not in cols:
            verdict.restricted = True
        walk_chain(code, node.value, scope, verdict, seen, depth + 1)
    elif isinstance(node, ast.Name):
        index = code.parameter(scope, node.id)
        if index is not None:
            return
        s = scope
        while True:
            values = code.assignments(s, node.id)
            if values or s is code.tree:
                break
            s = code.scope(s)
        for v in values:
            walk_chain(code, v, s, verdict, seen, depth + 1)


def judge_call(code, call, scope, verdict):
    f = call.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
    if name in ("select", "selectExpr", "drop"):
        cols = union(strings(code, a, scope) for a in call.args)
        if name == "drop":
            verdict.restricted |= cols is not UNKNOWN and IMAGE in cols
        elif cols is not UNKNOWN and IMAGE not in cols:
            verdict.restricted = True
        elif cols is not UNKNOWN:
            verdict.image = True
    for k in call.keywords:
        if k.arg == "columns":
            cols = strings(code, k.value, scope)
            if cols is not UNKNOWN and IMAGE not in cols:
                verdict.restricted = True
            elif cols is not UNKNOWN:
                verdict.image = True
    if name in BOUNDS and call.args and bounded(code, call.args[0], scope):
        verdict.bounded = True
    if name in AGGREGATES:
        verdict.restricted = True


def image_reads(source):
    code = Code(source)
    problems = []
    for node in ast.walk(code.tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
        if name not in MATERIALISE:
            continue
        if isinstance(f, ast.Name) and any(not method for _, method in code.functions.get(name, [])):
            continue  # a function of the notebook's own (its body is checked where it reads)
        if name == "first" or (name in BOUNDS and node.args and bounded(code, node.args[0], code.scope(node))):
            continue
        verdict = Verdict()
        walk_chain(code, node, code.scope(node), verdict, set())
        if verdict.bounded or (verdict.restricted and not verdict.image):
            continue
        problems.append({"line": node.lineno, "call": ast.unparse(node)[:160],
                         "why": "holds the image column and is not bounded by limit/head" if verdict.image
                         else "reads every column (select non-image columns, or bound it with limit/head)"})
    return problems


# --- backends: the notebook's readers in a world without PySpark and with a recording fake -------------------

def stub(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class Recorder:
    """What reached toPandas in the fake PySpark."""
    plans = []


class FakeColumn:
    def __init__(self, name):
        self.name = name

    def isin(self, *values):
        values = list(values[0]) if len(values) == 1 and isinstance(values[0], (list, tuple)) else list(values)
        return ("isin", self.name, len(values))

    def isNotNull(self):
        return ("isNotNull", self.name)


SAMPLE_COLUMNS = ["sample_id", "role", "split", "label", "class_name", "caption", "captions", "image", "width",
                  "height", "channels", "source", "iteration", "prompt_id", "llm_model", "image_model", "seed",
                  "usage", "error", "score", "hardness"]


class FakeFrame:
    """The DataFrame methods the notebook may use; anything else raises AttributeError."""

    def __init__(self, columns, plan):
        self.columns = list(columns)
        self.plan = plan

    def select(self, *cols):
        cols = [c.name if isinstance(c, FakeColumn) else c for c in cols]
        missing = [c for c in cols if c not in self.columns]
        if missing:
            raise ValueError(f"cannot resolve {missing} among {self.columns}")
        return FakeFrame(cols, self.plan + [("select", cols)])

    def where(self, condition):
        return FakeFrame(self.columns, self.plan + [("where", list(condition))])

    filter = where

    def limit(self, n):
        return FakeFrame(self.columns, self.plan + [("limit", n)])

    def drop(self, *cols):
        return FakeFrame([c for c in self.columns if c not in cols], self.plan + [("drop", list(cols))])

    def toPandas(self):
        Recorder.plans.append({"plan": self.plan, "columns": self.columns})
        return {"columns": self.columns}


class FakeJvmPath:
    def __init__(self, uri):
        self.uri = uri

    def getFileSystem(self, conf):
        return FakeFs()


class FakeFs:
    def exists(self, path):
        return True

    def listStatus(self, path):
        return []


class FakeSpark:
    version = "3.5.fake"

    def __init__(self):
        jvm = types.SimpleNamespace(org=types.SimpleNamespace(apache=types.SimpleNamespace(
            hadoop=types.SimpleNamespace(fs=types.SimpleNamespace(Path=FakeJvmPath)))))
        jsc = types.SimpleNamespace(hadoopConfiguration=lambda: object())
        self.sparkContext = types.SimpleNamespace(_jvm=jvm, _jsc=jsc)
        self.read = types.SimpleNamespace(parquet=lambda path: FakeFrame(SAMPLE_COLUMNS, [("parquet", path)]))


class FakeBuilder:
    def appName(self, name):
        return self

    def getOrCreate(self):
        return FakeSpark()


def definitions(cells, with_spark):
    """Runs the cells up to the one defining open_run, with stubbed plotting and data modules."""
    for name in ("matplotlib", "matplotlib.pyplot", "numpy", "pandas"):
        stub(name)
    sys.modules["matplotlib"].pyplot = sys.modules["matplotlib.pyplot"]
    for name in ("pyspark", "pyspark.sql", "pyspark.sql.functions"):
        sys.modules.pop(name, None)
    if with_spark:
        functions = stub("pyspark.sql.functions", col=FakeColumn)
        stub("pyspark.sql", SparkSession=types.SimpleNamespace(builder=FakeBuilder()), functions=functions)
        stub("pyspark").sql = sys.modules["pyspark.sql"]
    else:
        sys.modules["pyspark"] = None  # import pyspark raises ImportError
    env = {"__name__": "notebook"}
    for cell in cells:
        exec(compile(cell, "<notebook>", "exec"), env)
        if "open_run" in env:
            return env
    raise AssertionError("no code cell defines open_run")


def backends(cells):
    out = {}
    env = definitions(cells, with_spark=False)
    try:
        env["open_run"]("hdfs://namenode:8020/runs/kka-1")
        out["remote_without_spark"] = None
    except Exception as e:  # the message the user reads
        out["remote_without_spark"] = f"{type(e).__name__}: {e}"
    local = env["open_run"]("file:///tmp/kka-run")
    out["local_without_spark"] = [type(local).__name__, str(getattr(local, "root", ""))]
    plain = env["open_run"]("runs/quickstart")
    out["plain_without_spark"] = [type(plain).__name__, str(getattr(plain, "root", ""))]

    env = definitions(cells, with_spark=True)
    run = env["open_run"]("hdfs://namenode:8020/runs/kka-1")
    out["remote_with_spark"] = type(run).__name__
    local = env["open_run"]("/tmp/kka-run")
    out["local_with_spark"] = [type(local).__name__, getattr(local, "uri", "")]
    out["local_with_spark_forced_off"] = type(env["open_run"]("/tmp/kka-run", use_spark="no")).__name__
    Recorder.plans.clear()
    run.table("iterations/000/generated", env["GENERATED_COLUMNS"])
    run.images("iterations/000/generated", [f"id{i}" for i in range(40)])
    try:
        run.table("iterations/000/generated", env["GENERATED_COLUMNS"] + [IMAGE])
        out["image_table_refused"] = False
    except Exception:
        out["image_table_refused"] = True
    out["plans"] = Recorder.plans
    out["image_sample"] = env["IMAGE_SAMPLE"]
    return out


if __name__ == "__main__":
    if sys.argv[1] == "image-reads":
        print(json.dumps(image_reads(sys.stdin.read())))
    elif sys.argv[1] == "backends":
        print(json.dumps(backends(json.load(sys.stdin))))
    else:
        raise SystemExit(f"unknown check {sys.argv[1]}")
