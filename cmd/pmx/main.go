// Command pmx is the process-mining CLI: it imports event logs into a DuckDB
// warehouse and prints or reports process facts. It only parses flags and
// wires the library packages; every result it prints is a typed value from
// those packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	_ "time/tzdata" // calendars and --timezone must not depend on the host's zoneinfo
)

// command is one subcommand: its one-line summary and its entry point.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

var commands = map[string]command{
	"import":      {"import event log files (XES, XES.gz, CSV, Parquet; OCEL 2.0 JSON, XML, SQLite) into the warehouse", runImport},
	"ingest":      {"ingest kafka: append JSON events from Kafka topics, exactly once", runIngest},
	"replay":      {"publish a log's events to a Kafka topic in time order (as fast as possible or time-scaled)", runReplay},
	"logs":        {"list the logs in the warehouse", runLogs},
	"compare":     {"compare two logs: KPIs, variants and directly-follows edges, with significance tests", runCompare},
	"filter":      {"create a filtered log (time frame, variants, activities, attributes, durations) in the warehouse", runFilter},
	"stats":       {"log statistics: cases, events, activities, variants, durations", runStats},
	"variants":    {"the most frequent variants (activity sequences)", runVariants},
	"dfg":         {"directly-follows graph with frequencies and waiting times (--object-centric: OC-DFG of an OCEL log)", runDFG},
	"flatten":     {"flatten an object-centric (OCEL) log on one object type into a classic log", runFlatten},
	"discover":    {"discover a process model (Alpha, Heuristics, Inductive Miner, filtered DFG) and export it", runDiscover},
	"conformance": {"check a log against a Petri net (PNML): token replay or alignments, fitness and precision", runConformance},
	"analyze":     {"time decomposition, bottlenecks, rework, resources, segments, drift (and SLA rules)", runAnalyze},
	"bottlenecks": {"the top bottlenecks, rework and slow segments, in short", runBottlenecks},
	"report":      {"write a self-contained HTML report", runReport},
	"simulate":    {"what-if simulation: fit a simulator to a log, validate it, simulate logs and compare scenarios", runSimulate},
	"optimize":    {"search the process changes that improve an objective most, by simulation, and rank them", runOptimize},
	"serve":       {"web dashboard and JSON API over the warehouse's logs, live while it ingests from Kafka", runServe},
	"export":      {"write a log as XES, CSV or Parquet (one file, or hive-partitioned), for other tools", runExport},
	"sql":         {"run read-only SQL on the warehouse, with process views (v_events, v_steps, v_cases, v_variants) and macros", runSQL},
	"demo":        {"import the bundled IT-incident log and write a report", runDemo},
	"version":     {"print pmx's version, its build and the DuckDB it embeds", runVersion},
}

// env is what commands print to; tests substitute buffers. run wraps stdout
// in a termSafe, so text output never carries terminal controls from the
// data; machine formats (a model file on stdout) go through rawStdout.
type env struct {
	stdout, stderr io.Writer
	// interactive is true when stderr is a terminal (progress bars).
	interactive bool
	// stdoutTerminal is true when stdout is a terminal.
	stdoutTerminal bool
}

// errUsage marks errors caused by wrong arguments (exit status 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, interactive: isTerminal(os.Stderr), stdoutTerminal: isTerminal(os.Stdout)}
	os.Exit(run(ctx, e, os.Args[1:]))
}

func run(ctx context.Context, e *env, args []string) int {
	if _, ok := e.stdout.(*termSafe); !ok {
		ts := &termSafe{w: e.stdout}
		e.stdout = ts
		defer ts.Flush()
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) == 2 && args[0] == "help" {
			return commandHelp(ctx, e, args[1])
		}
		usage(e.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = append([]string{"version"}, args[1:]...)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "pmx: unknown command %s (run 'pmx help')\n", termText(fmt.Sprintf("%q", args[0])))
		return 2
	}
	err := cmd.run(ctx, e, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(e.stderr, "pmx %s: %s\n", args[0], termText(oneLine(err)))
		return 2
	default:
		fmt.Fprintf(e.stderr, "pmx %s: %s\n", args[0], termText(oneLine(err)))
		return 1
	}
}

// oneLine keeps error output to a single line, as the README promises.
func oneLine(err error) string {
	s := strings.TrimSuffix(err.Error(), ": "+errUsage.Error())
	return strings.Join(strings.Fields(s), " ")
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "pmx — process mining on an embedded DuckDB warehouse\n\nUsage: pmx COMMAND [flags] [FILE...]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s  %s\n", width, n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'pmx help COMMAND' (or 'pmx COMMAND -h') for a command's flags.")
}

// commandHelp prints a command's usage and flags to stdout: pmx help NAME.
func commandHelp(ctx context.Context, e *env, name string) int {
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.stderr, "pmx help: unknown command %s (run 'pmx help')\n", termText(fmt.Sprintf("%q", name)))
		return 2
	}
	// Flag sets print their usage to stderr; asked for, it is the output.
	he := *e
	he.stderr = e.stdout
	cmd.run(ctx, &he, []string{"-h"})
	return 0
}

// fileStdout is where a file format (PNML, BPMN, SVG, DOT, a tree) written
// to stdout goes: unchanged into a pipe or a file, where escaping would
// corrupt it, but through the terminal escaper when stdout is a terminal,
// where a person reads it.
func (e *env) fileStdout() io.Writer {
	if t, ok := e.stdout.(*termSafe); ok && !e.stdoutTerminal {
		t.Flush()
		return t.w
	}
	return e.stdout
}
