package record

import (
	"strings"
	"testing"
)

func TestParseFieldList(t *testing.T) {
	def := strings.Join(Names(Default), ",")
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "url, Canonical,robots,url,h1_count", want: "url,canonical,robots,h1_count"},
		{in: "default", want: def},
		{in: "default,og", want: def + ",og"},
		{in: "all", want: def + "," + strings.Join(Names(SEO), ",")},
		{in: "+lang", want: def + ",lang"},
		{in: "ip,+hash", want: "ip," + def + ",hash"},
		{in: "url,keywords", wantErr: `unknown field "keywords"`},
		{in: "+keywords", wantErr: `unknown field "keywords"`},
		{in: "", wantErr: `unknown field ""`},
	}
	for _, tt := range tests {
		got, err := ParseFieldList(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseFieldList(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || strings.Join(got, ",") != tt.want {
			t.Errorf("ParseFieldList(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

// TestCompleteFieldList: the word after the last comma is completed, the
// list before it kept.
func TestCompleteFieldList(t *testing.T) {
	tests := []struct {
		typed string
		want  string // the completions, comma-less ones joined by " "
	}{
		{"default,can", "default,canonical"},
		{"+h", "+h1 +h1_count +hreflang +hash +headers"},
		{"title,zz", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(CompleteFieldList(tt.typed), " "); got != tt.want {
			t.Errorf("CompleteFieldList(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}
