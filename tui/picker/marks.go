package picker

import "sandtail/engine"

// toggleMark marks or unmarks the highlighted sandbox, then moves down,
// so marking a run of sandboxes is space, space, space. One whose logs
// cannot be read is not marked: the note says why.
func (p *Picker) toggleMark() {
	sb, ok := p.Selected()
	if !ok {
		return
	}
	if sb.Err != nil {
		p.note = unreadable(sb)
		return
	}
	if p.cloud() {
		// Several sandboxes are merged from local log directories; a
		// cloud sandbox is one live stream, opened alone.
		p.note = "cloud sandboxes open one at a time: enter opens " + sb.Name
		return
	}
	if p.marked[sb.Name] {
		delete(p.marked, sb.Name)
	} else {
		if p.marked == nil {
			p.marked = map[string]bool{}
		}
		p.marked[sb.Name] = true
	}
	p.move(1)
}

// Marked reports whether the sandbox name is marked.
func (p *Picker) Marked(name string) bool { return p.marked[name] }

// openMarked opens the marked sandboxes, in list order: one alone as
// usual, several merged.
func (p *Picker) openMarked() Action {
	var sbs []engine.Sandbox
	for _, sb := range p.all {
		if p.marked[sb.Name] {
			sbs = append(sbs, sb)
		}
	}
	switch len(sbs) {
	case 0:
		return nil
	case 1:
		return ActionOpen{Sandbox: sbs[0]}
	}
	return ActionOpenMany{Sandboxes: sbs}
}

// keepMarks forgets marks of sandboxes no longer listed.
func (p *Picker) keepMarks() {
	if len(p.marked) == 0 {
		return
	}
	listed := map[string]bool{}
	for _, sb := range p.all {
		if sb.Err == nil {
			listed[sb.Name] = true
		}
	}
	for name := range p.marked {
		if !listed[name] {
			delete(p.marked, name)
		}
	}
}
