// Package yamltest holds what the fuzz tests of the simulator's YAML files
// (analysis/sim/model, analysis/sim/scenario) check errors against. It is
// for tests only and imports nothing of pmx.
package yamltest
