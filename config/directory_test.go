package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wallboard/wallboard/config"
)

func TestDirectoryCSV(t *testing.T) {
	people, err := config.ReadDirectoryCSV(filepath.Join("testdata", "users.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := []config.Person{
		{Name: "Ann Lee", Extension: "201", Email: "ann@example.com", Group: "Sales", Department: "Field"},
		{Name: "Bob Ito", Email: "bob@example.com", Department: "Care"},
	}
	if len(people) != len(want) {
		t.Fatalf("read %+v, want %+v", people, want)
	}
	for i := range want {
		if people[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, people[i], want[i])
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("Mobile,Title\n+39,Boss\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := config.ReadDirectoryCSV(bad); err == nil || !strings.Contains(err.Error(), "Name column") {
		t.Errorf("a CSV without the columns: %v, want an error naming them", err)
	}
}

func TestDirectoryInTheFile(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(csvPath, []byte("name,extension\nCy Diaz,203\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "board.yaml")
	yaml := "directory:\n  - email: ann@example.com\n    name: Ann Lee\ndirectory_csv: " + csvPath + "\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Directory) != 2 || f.Directory[0].Name != "Ann Lee" || f.Directory[1].Extension != "203" {
		t.Errorf("directory = %+v", f.Directory)
	}
	if _, err := config.Parse([]byte("directory:\n  - name: Nobody\n")); err == nil || !strings.Contains(err.Error(), "directory[0]") {
		t.Errorf("an entry naming nobody: %v, want an error", err)
	}
}
