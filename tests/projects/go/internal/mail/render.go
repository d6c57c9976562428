package mail

import (
	"bytes"
	"embed"
	"html/template"
)

//go:embed templates
var files embed.FS

// Render parses the shared base and partials together with one page, so every page can
// define its own "content" block, and executes the page's file.
func Render(page string, data any) (string, error) {
	t, err := template.ParseFS(files, "templates/base.gohtml", "templates/partials/*.gohtml", "templates/"+page+".gohtml")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, page+".gohtml", data); err != nil {
		return "", err
	}
	return buf.String(), nil
}
