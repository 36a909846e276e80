package config

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Person is one directory entry: who an extension or email is, for events
// that name people only so. Company limits it to one company; empty: every
// company. An extension or an email is required, and a name, group or
// department to give.
type Person struct {
	Company    string `yaml:"company,omitempty"`
	Extension  string `yaml:"extension,omitempty"`
	Email      string `yaml:"email,omitempty"`
	Name       string `yaml:"name,omitempty"`
	Group      string `yaml:"group,omitempty"`
	Department string `yaml:"department,omitempty"`
}

// csvColumns are the header names a directory CSV may use for each field,
// compared without regard to case, spaces, dashes and underscores: the
// PBX's user export ("Name", "Extension", "Email", "Group",
// "Department") and common variants.
var csvColumns = map[string]string{
	"name": "name", "fullname": "name", "displayname": "name", "username": "name",
	"extension": "extension", "ext": "extension", "number": "extension", "extensionnumber": "extension",
	"email": "email", "emailaddress": "email", "mail": "email",
	"group": "group", "callgroup": "group", "usergroup": "group",
	"department": "department", "dept": "department",
	"company": "company",
}

// ReadDirectoryCSV reads a CSV export of the PBX's users: a header row,
// then one person per row. It takes the columns it knows (see
// csvColumns; others are ignored) and needs an extension or an email
// column, and a name column. Commas or semicolons separate the fields (a
// spreadsheet's export in many locales uses semicolons); a UTF-8 byte
// order mark is ignored. Rows without an extension and an email are
// skipped.
func ReadDirectoryCSV(path string) ([]Person, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("directory_csv: %w", err)
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	r := csv.NewReader(strings.NewReader(text))
	first, _, _ := strings.Cut(text, "\n")
	if strings.Count(first, ";") > strings.Count(first, ",") {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("directory_csv %s: no header row: %w", path, err)
	}
	cols := map[string]int{}
	for i, h := range header {
		norm := strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToLower(strings.TrimSpace(h)))
		if f, ok := csvColumns[norm]; ok {
			if _, dup := cols[f]; !dup {
				cols[f] = i
			}
		}
	}
	_, hasExt := cols["extension"]
	_, hasEmail := cols["email"]
	if _, ok := cols["name"]; !ok || !hasExt && !hasEmail {
		return nil, fmt.Errorf("directory_csv %s: the header needs a Name column and an Extension or Email column (it has %s)", path, strings.Join(header, ", "))
	}
	var out []Person
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("directory_csv %s: %w", path, err)
		}
		get := func(f string) string {
			if i, ok := cols[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		p := Person{Company: get("company"), Extension: get("extension"), Email: get("email"), Name: get("name"), Group: get("group"), Department: get("department")}
		if p.Extension == "" && p.Email == "" {
			continue
		}
		out = append(out, p)
	}
}

// validateDirectory reports the entries of the directory that can name
// nobody or give nothing.
func validateDirectory(people []Person, bad func(string, ...any)) {
	for i, p := range people {
		if p.Extension == "" && p.Email == "" {
			bad("directory[%d]: an extension or an email is required", i)
		}
		if p.Name == "" && p.Group == "" && p.Department == "" {
			bad("directory[%d]: give a name, group or department", i)
		}
	}
}
