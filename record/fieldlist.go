package record

import (
	"fmt"
	"slices"
	"strings"
)

// ParseFieldList reads a list of field names separated by commas, as
// --fields takes it: "default" (the Default fields), "all" (the Default
// and SEO fields), "+NAME" (the Default fields and NAME), or a field's
// name of any group. Names are case-insensitive; each is kept once, in
// the order first named. A name that is not a field is an error listing
// those there are.
func ParseFieldList(s string) ([]string, error) {
	def, seo, ops := Names(Default), Names(SEO), Names(Ops)
	var names []string
	for _, n := range strings.Split(s, ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		if rest, ok := strings.CutPrefix(n, "+"); ok {
			names = append(names, def...)
			n = strings.TrimSpace(rest)
		}
		switch {
		case n == "default":
			names = append(names, def...)
			continue
		case n == "all":
			names = append(append(names, def...), seo...)
			continue
		case !slices.Contains(def, n) && !slices.Contains(seo, n) && !slices.Contains(ops, n):
			return nil, fmt.Errorf("unknown field %q (fields: default, all, +NAME, %s, %s, %s)", n,
				strings.Join(def, ", "), strings.Join(seo, ", "), strings.Join(ops, ", "))
		}
		names = append(names, n)
	}
	var list []string
	for _, n := range names {
		if !slices.Contains(list, n) {
			list = append(list, n)
		}
	}
	return list, nil
}

// CompleteFieldList completes a field list being typed, as ParseFieldList
// reads it: the word after the last comma is one of the fields' names,
// "default", "all" or "+NAME". Each completion is the whole list so far.
func CompleteFieldList(typed string) []string {
	done, last := "", typed
	if i := strings.LastIndexByte(typed, ','); i >= 0 {
		done, last = typed[:i+1], typed[i+1:]
	}
	words := []string{"default", "all"}
	for _, name := range AllNames() {
		words = append(words, name, "+"+name)
	}
	var out []string
	for _, word := range words {
		if strings.HasPrefix(word, last) {
			out = append(out, done+word)
		}
	}
	return out
}
