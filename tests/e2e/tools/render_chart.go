// render_chart expands a Helm chart's templates offline, for tests/e2e/test_packaging.py (helm is
// not packaged in Debian bookworm). It uses Go's text/template — the engine Helm uses — with the
// subset of Helm's template functions the irsa chart (deploy/helm/irsa) may use: include,
// required, default, empty, quote, squote, toYaml, toJson, nindent, indent, trim, trimSuffix,
// trunc, lower, upper, replace, contains, hasKey, list, dict, b64enc, printf and the builtins. A
// template calling anything else fails to parse here, so the chart cannot drift onto functions
// this renderer does not have.
//
// Usage: render_chart CHART_DIR RELEASE_NAME NAMESPACE [-f VALUES.yaml]... > manifests.yaml
// Built offline against Debian's Go packages: GO111MODULE=off GOPATH=/usr/share/gocode go run.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

func readYaml(path string) map[string]interface{} {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	out := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &out); err != nil {
		fail("%s: %v", path, err)
	}
	return out
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "render_chart: "+format+"\n", args...)
	os.Exit(1)
}

// merge overlays src onto dst as Helm merges values files (maps deeply, everything else replaced).
func merge(dst, src map[string]interface{}) {
	for k, v := range src {
		if sm, ok := v.(map[string]interface{}); ok {
			if dm, ok := dst[k].(map[string]interface{}); ok {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

func empty(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.String, reflect.Map, reflect.Slice, reflect.Array:
		return r.Len() == 0
	case reflect.Bool:
		return !r.Bool()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return r.Int() == 0
	case reflect.Float64, reflect.Float32:
		return r.Float() == 0
	}
	return false
}

func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

func main() {
	if len(os.Args) < 4 {
		fail("usage: render_chart CHART_DIR RELEASE NAMESPACE [-f VALUES]...")
	}
	chartDir, release, namespace := os.Args[1], os.Args[2], os.Args[3]
	values := readYaml(filepath.Join(chartDir, "values.yaml"))
	for i := 4; i < len(os.Args); i++ {
		if os.Args[i] != "-f" || i+1 >= len(os.Args) {
			fail("unexpected argument %q", os.Args[i])
		}
		merge(values, readYaml(os.Args[i+1]))
		i++
	}
	chart := readYaml(filepath.Join(chartDir, "Chart.yaml"))
	root := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm"},
		"Chart": map[string]interface{}{"Name": chart["name"], "Version": chart["version"],
			"AppVersion": chart["appVersion"]},
	}

	tpl := template.New("chart").Option("missingkey=zero")
	funcs := template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			var b bytes.Buffer
			err := tpl.ExecuteTemplate(&b, name, data)
			return b.String(), err
		},
		"required": func(msg string, v interface{}) (interface{}, error) {
			if empty(v) {
				return nil, fmt.Errorf("%s", msg)
			}
			return v, nil
		},
		"default": func(d interface{}, v ...interface{}) interface{} {
			if len(v) == 0 || empty(v[0]) {
				return d
			}
			return v[0]
		},
		"empty":  empty,
		"quote":  func(v interface{}) string { return fmt.Sprintf("%q", fmt.Sprint(v)) },
		"squote": func(v interface{}) string { return "'" + fmt.Sprint(v) + "'" },
		"toYaml": func(v interface{}) string {
			out, err := yaml.Marshal(v)
			if err != nil {
				fail("toYaml: %v", err)
			}
			return strings.TrimSuffix(string(out), "\n")
		},
		"toJson": func(v interface{}) string {
			out, _ := json.Marshal(v)
			return string(out)
		},
		"indent":     indent,
		"nindent":    func(n int, s string) string { return "\n" + indent(n, s) },
		"trim":       strings.TrimSpace,
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"trunc": func(n int, s string) string {
			if len(s) > n {
				return s[:n]
			}
			return s
		},
		"lower":    strings.ToLower,
		"upper":    strings.ToUpper,
		"replace":  func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
		"contains": func(sub, s string) bool { return strings.Contains(s, sub) },
		"hasKey":   func(m map[string]interface{}, k string) bool { _, ok := m[k]; return ok },
		"list":     func(v ...interface{}) []interface{} { return v },
		"dict": func(kv ...interface{}) map[string]interface{} {
			m := map[string]interface{}{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"b64enc": func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	}
	tpl.Funcs(funcs)
	files, _ := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	sort.Strings(files)
	var rendered []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fail("%v", err)
		}
		if _, err := tpl.New(filepath.Base(f)).Parse(string(data)); err != nil {
			fail("%v", err)
		}
		if strings.HasPrefix(filepath.Base(f), "_") {
			continue
		}
		rendered = append(rendered, filepath.Base(f))
	}
	for _, name := range rendered {
		var b bytes.Buffer
		if err := tpl.ExecuteTemplate(&b, name, root); err != nil {
			fail("%v", err)
		}
		text := strings.TrimSpace(strings.ReplaceAll(b.String(), "<no value>", ""))
		if text == "" {
			continue
		}
		fmt.Printf("---\n# Source: %s/templates/%s\n%s\n", chart["name"], name, text)
	}
}
