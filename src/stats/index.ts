// Pure statistics: no I/O, no clock, no environment. See DESIGN.md, "Statistics".
