package extract

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// chain is a complex selector cut at its combinators: compound selectors
// (each matched by cascadia alone) joined by ' ', '>', '+' or '~'.
// cascadia matches a combinator by trying every ancestor or sibling again
// for each node, which takes time exponential in the number of
// combinators on deep pages ("b div div div div" on 500 nested <div>: over
// a minute); match takes one pass over the tree instead, remembering on
// the way down which steps of the chain an ancestor or an earlier sibling
// matched.
type chain struct {
	steps []cascadia.Sel // steps[0] is the leftmost compound
	combs []byte         // combs[i] joins steps[i] to steps[i+1]
}

// maxSteps bounds the compounds of one selector: a step is a bit of a
// node's state.
const maxSteps = 32

// parseChain parses a complex selector (CSS 3 as cascadia reads it). A
// combinator inside a pseudo-class that takes selectors (:not, :has, …) is
// refused: cascadia would match it the slow way.
func parseChain(expr string) (chain, error) {
	parts, combs, err := splitChain(expr)
	if err != nil {
		return chain{}, err
	}
	if len(parts) > maxSteps {
		return chain{}, fmt.Errorf("more than %d compound selectors", maxSteps)
	}
	c := chain{combs: combs}
	for _, p := range parts {
		sel, err := cascadia.Parse(p)
		if err != nil {
			return chain{}, err
		}
		c.steps = append(c.steps, sel)
	}
	return c, nil
}

// splitChain cuts expr at the combinators outside brackets, parentheses
// and quotes.
func splitChain(expr string) (parts []string, combs []byte, err error) {
	var cur strings.Builder
	pending := byte(0) // a combinator seen since the last compound
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			if cur.Len() > 0 && pending == 0 {
				pending = ' '
			}
			continue
		case c == '>' || c == '+' || c == '~':
			if cur.Len() == 0 || pending != 0 && pending != ' ' {
				return nil, nil, fmt.Errorf("combinator %q without a selector before it", c)
			}
			pending = c
			continue
		}
		if pending != 0 {
			parts, combs = append(parts, cur.String()), append(combs, pending)
			cur.Reset()
			pending = 0
		}
		end, err := compoundEnd(expr, i)
		if err != nil {
			return nil, nil, err
		}
		cur.WriteString(expr[i:end])
		i = end - 1
	}
	if pending != 0 && pending != ' ' || cur.Len() == 0 {
		return nil, nil, errors.New("a selector is missing")
	}
	return append(parts, cur.String()), combs, nil
}

// compoundEnd returns where the piece of a compound selector starting at
// expr[i] ends: after a bracket, a parenthesis or a quoted string as a
// whole, or after one character. A pseudo-class that takes selectors may
// not hold a combinator.
func compoundEnd(expr string, i int) (int, error) {
	var closer byte
	switch expr[i] {
	case '[':
		closer = ']'
	case '(':
		closer = ')'
	case '"', '\'':
		closer = expr[i]
	case '\\':
		return min(i+2, len(expr)), nil
	default:
		return i + 1, nil
	}
	depth := 0
	for j := i + 1; j < len(expr); j++ {
		switch c := expr[j]; {
		case c == '\\':
			j++
		case closer != '"' && closer != '\'' && (c == '"' || c == '\''):
			end, err := compoundEnd(expr, j)
			if err != nil {
				return 0, err
			}
			j = end - 1
		case c == expr[i] && closer != expr[i]:
			depth++
		case c == closer && depth > 0:
			depth--
		case c == closer:
			if closer == ')' && takesSelectors(expr[:i]) && hasCombinator(expr[i+1:j]) {
				return 0, fmt.Errorf("a combinator inside %s is not supported", expr[strings.LastIndexByte(expr[:i], ':'):j+1])
			}
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("%q is not closed", expr[i])
}

// takesSelectors reports whether before ends in a pseudo-class whose
// argument is a selector.
func takesSelectors(before string) bool {
	i := strings.LastIndexByte(before, ':')
	if i < 0 {
		return false
	}
	switch strings.ToLower(before[i+1:]) {
	case "not", "has", "haschild", "is", "where", "matches", "any":
		return true
	}
	return false
}

// hasCombinator reports whether arg, a list of selectors, joins two of
// them with a combinator (white space around its commas and ends aside).
func hasCombinator(arg string) bool {
	for _, sel := range strings.Split(arg, ",") {
		if strings.ContainsAny(strings.TrimSpace(sel), " \t\n\r\f>+~") {
			return true
		}
	}
	return false
}

// work counts the steps of one Select against a budget and checks its
// context every so often, so that a stop takes effect at once.
type work struct {
	ctx    context.Context
	steps  int
	budget int
	err    error // the first error of step seen while reading values
}

// errBudget is work's error once the budget is spent.
var errBudget = errors.New("work budget spent")

func (w *work) step(n int) error {
	before := w.steps
	w.steps += n
	if w.steps > w.budget {
		return errBudget
	}
	if w.steps>>10 != before>>10 {
		return w.ctx.Err()
	}
	return nil
}

// match calls each for every element under root that c matches, in
// document order, until each returns false or w fails.
func (c *chain) match(root *html.Node, w *work, each func(*html.Node) bool) error {
	m := matcher{c: c, w: w, each: each, below: make([]int, len(c.steps))}
	err := m.children(root, 0)
	if err == errStop {
		return nil
	}
	return err
}

// errStop ends a match that each ended.
var errStop = errors.New("stop")

// matcher is the state of one pass: which steps some ancestor of the node
// being looked at matched (below counts them on the path from the root).
type matcher struct {
	c     *chain
	w     *work
	each  func(*html.Node) bool
	below []int
}

// children looks at the element children of n, whose own matched steps
// are parent.
func (m *matcher) children(n *html.Node, parent uint64) error {
	var prev, earlier uint64 // the previous element sibling's steps; all earlier siblings'
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		mine, err := m.steps(c, parent, prev, earlier)
		if err != nil {
			return err
		}
		if mine&(1<<(len(m.c.steps)-1)) != 0 && !m.each(c) {
			return errStop
		}
		for i := range m.c.steps {
			if mine&(1<<i) != 0 {
				m.below[i]++
			}
		}
		err = m.children(c, mine)
		for i := range m.c.steps {
			if mine&(1<<i) != 0 {
				m.below[i]--
			}
		}
		if err != nil {
			return err
		}
		prev, earlier = mine, earlier|mine
	}
	return nil
}

// steps is the set of chain steps n matches, given its parent's, its
// previous sibling's and its earlier siblings' steps and m.below.
func (m *matcher) steps(n *html.Node, parent, prev, earlier uint64) (uint64, error) {
	if err := m.w.step(len(m.c.steps)); err != nil {
		return 0, err
	}
	var mine uint64
	for i, sel := range m.c.steps {
		if i > 0 {
			before := uint64(1) << (i - 1)
			var ok bool
			switch m.c.combs[i-1] {
			case ' ':
				ok = m.below[i-1] > 0
			case '>':
				ok = parent&before != 0
			case '+':
				ok = prev&before != 0
			case '~':
				ok = earlier&before != 0
			}
			if !ok {
				continue
			}
		}
		if sel.Match(n) {
			mine |= 1 << i
		}
	}
	return mine, nil
}
