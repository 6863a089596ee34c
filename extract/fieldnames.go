package extract

// byName is what Scan looks for to fill each SEO field of the record (and
// the title), by the field's name in record.Fields;
// TestEverySEOFieldIsScanned checks that every SEO field has a bit.
var byName = map[string]Fields{
	"title": FieldTitle, "description": FieldDescription, "canonical": FieldCanonical,
	"robots": FieldRobots, "lang": FieldLang, "h1": FieldH1, "h1_count": FieldH1Count,
	"og": FieldOG, "hreflang": FieldHreflang, "links": FieldLinks,
}

// FieldsFor is what must be read from pages to fill the record fields
// named (--fields): the title alone when names is nil (the default
// fields); nothing for names that are not read from a page.
func FieldsFor(names []string) Fields {
	if names == nil {
		return FieldTitle
	}
	var fs Fields
	for _, n := range names {
		fs |= byName[n]
	}
	return fs
}
