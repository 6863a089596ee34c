package record

import (
	"strings"
	"testing"
)

// TestExtrasColumns: what a run reads besides adds its fields after the
// chosen ones, in one order, each once.
func TestExtrasColumns(t *testing.T) {
	def := strings.Join(Names(Default), ",")
	tests := []struct {
		name  string
		x     Extras
		names []string
		want  string
	}{
		{"the default", Extras{}, nil, def},
		{"a list as given", Extras{}, []string{"title", "status"}, "title,status"},
		{"headers once", Extras{HeaderFields: true}, []string{"headers"}, "headers"},
		{"everything", Extras{Head: true, HeaderFields: true, Extract: true, Robots: true, Crawl: true}, []string{"title"},
			"title,headers,extract,robots_txt,note,depth,from,linked_from,method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(tt.x.Columns(tt.names), ","); got != tt.want {
				t.Errorf("Columns = %s, want %s", got, tt.want)
			}
		})
	}
}
