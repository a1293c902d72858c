// A source an import only named took its report's channel as its type: "liaison" and
// "register", which no source type is, showed as those words on its page and escaped the
// register's type filter. A liaison officer's is now "liaison_officer"; a register's has
// none until a handler registers the codename (graph/exchange/reports.py).
MATCH (s:Source {status: 'referenced', type: 'liaison'}) SET s.type = 'liaison_officer';
MATCH (s:Source {status: 'referenced', type: 'register'}) REMOVE s.type;
