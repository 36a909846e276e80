package views

// The catalog: every word a person reads, in every language of Languages,
// in that order (English, Italian, German, French, Spanish). Keys name what
// a word is for; a text takes its parameters as fmt verbs (%s, %d), except
// the client's words (keys "js."), whose parameters are {name}s the browser
// fills in (see clientWords). TestCatalog fails when a text is missing or
// its parameters differ from the English text's.
var words = map[string][5]string{
	// Tile states: the word beside every state's icon.
	"state.rt":        {"Talking + ringing", "Al telefono + squilla", "Im Gespräch + klingelt", "En ligne + sonnerie", "Hablando + sonando"},
	"state.talking":   {"Talking", "Al telefono", "Im Gespräch", "En ligne", "Hablando"},
	"state.ringing":   {"Ringing", "Squilla", "Klingelt", "Sonne", "Sonando"},
	"state.dnd":       {"Do not disturb", "Non disturbare", "Nicht stören", "Ne pas déranger", "No molestar"},
	"state.away":      {"Away", "Assente", "Abwesend", "Absent", "Ausente"},
	"state.available": {"Available", "Disponibile", "Verfügbar", "Disponible", "Disponible"},
	"state.offline":   {"Offline", "Offline", "Offline", "Hors ligne", "Desconectado"},
	"state.unknown":   {"Unknown", "Sconosciuto", "Unbekannt", "Inconnu", "Desconocido"},

	// Why a tile shows its state (board.Reason), in a tile's title.
	"reason.src.calls":        {"derived from calls", "dedotto dalle chiamate", "aus den Anrufen abgeleitet", "déduit des appels", "deducido de las llamadas"},
	"reason.src.phone":        {"phone reports %s", "il telefono segnala %s", "Telefon meldet %s", "le téléphone signale %s", "el teléfono indica %s"},
	"reason.rt":               {"on a call and ringing (%s)", "in chiamata e squilla (%s)", "im Gespräch und es klingelt (%s)", "en ligne et ça sonne (%s)", "en una llamada y sonando (%s)"},
	"reason.talking":          {"on a call (%s)", "in chiamata (%s)", "im Gespräch (%s)", "en ligne (%s)", "en una llamada (%s)"},
	"reason.ringing":          {"ringing (%s)", "squilla (%s)", "klingelt (%s)", "sonne (%s)", "sonando (%s)"},
	"reason.dnd":              {"do not disturb", "non disturbare", "nicht stören", "ne pas déranger", "no molestar"},
	"reason.away":             {"away", "assente", "abwesend", "absent", "ausente"},
	"reason.busy":             {"busy", "occupato", "beschäftigt", "occupé", "ocupado"},
	"reason.status_offline":   {"offline (status %s)", "offline (stato %s)", "offline (Status %s)", "hors ligne (statut %s)", "desconectado (estado %s)"},
	"reason.status":           {"status %s", "stato %s", "Status %s", "statut %s", "estado %s"},
	"reason.available":        {"available (%s)", "disponibile (%s)", "verfügbar (%s)", "disponible (%s)", "disponible (%s)"},
	"reason.no_phone_report":  {"available (no phone report yet)", "disponibile (ancora nessuna segnalazione dal telefono)", "verfügbar (noch keine Meldung vom Telefon)", "disponible (pas encore de signal du téléphone)", "disponible (aún sin datos del teléfono)"},
	"reason.offline":          {"offline (%s)", "offline (%s)", "offline (%s)", "hors ligne (%s)", "desconectado (%s)"},
	"reason.nothing_reported": {"nothing reported yet", "ancora nessuna segnalazione", "noch nichts gemeldet", "rien de signalé pour l'instant", "aún no hay datos"},
	"reason.with_message":     {"%s: %s", "%s: %s", "%s: %s", "%s : %s", "%s: %s"},

	// Calls.
	"direction.inbound":  {"Inbound", "In entrata", "Eingehend", "Entrant", "Entrante"},
	"direction.outbound": {"Outbound", "In uscita", "Ausgehend", "Sortant", "Saliente"},
	"direction.internal": {"Internal", "Interna", "Intern", "Interne", "Interna"},
	"direction.other":    {"Call", "Chiamata", "Anruf", "Appel", "Llamada"},
	"call_with.inbound":  {"Inbound call with", "Chiamata in entrata con", "Eingehender Anruf mit", "Appel entrant avec", "Llamada entrante con"},
	"call_with.outbound": {"Outbound call with", "Chiamata in uscita con", "Ausgehender Anruf mit", "Appel sortant avec", "Llamada saliente con"},
	"call_with.internal": {"Internal call with", "Chiamata interna con", "Interner Anruf mit", "Appel interne avec", "Llamada interna con"},
	"call_with.other":    {"Call with", "Chiamata con", "Anruf mit", "Appel avec", "Llamada con"},
	"call.ringing":       {"Ringing", "Squilla", "Klingelt", "Sonne", "Sonando"},
	"call.connected":     {"Connected", "Connessa", "Verbunden", "Connecté", "Conectada"},
	"call.hold":          {"On hold", "In attesa", "Gehalten", "En attente", "En espera"},
	"call.to":            {"to", "verso", "an", "vers", "a"},
	"call.queue":         {"Queue %s", "Coda %s", "Warteschlange %s", "File %s", "Cola %s"},
	"party.unknown":      {"Unknown", "Sconosciuto", "Unbekannt", "Inconnu", "Desconocido"},

	// Tiles and colleagues.
	"tile.back_at":     {"back at", "di ritorno alle", "zurück um", "de retour à", "vuelve a las"},
	"person.call":      {"%s, call %s", "%s, chiama %s", "%s, %s anrufen", "%s, appeler %s", "%s, llamar a %s"},
	"conference.title": {"Conference", "Conferenza", "Konferenz", "Conférence", "Conferencia"},
	"conference.empty": {"Nobody in the call", "Nessuno nella chiamata", "Niemand im Gespräch", "Personne dans l'appel", "Nadie en la llamada"},

	// Empty lists.
	"empty.calls":       {"No active calls", "Nessuna chiamata attiva", "Keine aktiven Anrufe", "Aucun appel en cours", "No hay llamadas activas"},
	"empty.queues":      {"No queues", "Nessuna coda", "Keine Warteschlangen", "Aucune file d'attente", "No hay colas"},
	"empty.conferences": {"No conferences", "Nessuna conferenza", "Keine Konferenzen", "Aucune conférence", "No hay conferencias"},
	"empty.people":      {"Nobody yet", "Ancora nessuno", "Noch niemand", "Personne pour l'instant", "Aún no hay nadie"},
	"empty.agents":      {"No completed calls today", "Nessuna chiamata completata oggi", "Heute keine abgeschlossenen Anrufe", "Aucun appel terminé aujourd'hui", "Ninguna llamada completada hoy"},

	// Page structure.
	"page.people":      {"People", "Persone", "Personen", "Personnes", "Personas"},
	"page.colleagues":  {"Colleagues", "Colleghi", "Kollegen", "Collègues", "Compañeros"},
	"page.counts":      {"People per state", "Persone per stato", "Personen pro Status", "Personnes par état", "Personas por estado"},
	"page.alerts":      {"Alerts", "Avvisi", "Warnungen", "Alertes", "Alertas"},
	"page.connecting":  {"Connecting", "Connessione", "Verbinde", "Connexion", "Conectando"},
	"page.logout":      {"Log out", "Esci", "Abmelden", "Se déconnecter", "Cerrar sesión"},
	"panel.queues":     {"Queues", "Code", "Warteschlangen", "Files d'attente", "Colas"},
	"panel.calls":      {"Active calls", "Chiamate attive", "Aktive Anrufe", "Appels en cours", "Llamadas activas"},
	"panel.conference": {"Conferences", "Conferenze", "Konferenzen", "Conférences", "Conferencias"},
	"panel.agents":     {"Today per agent", "Oggi per agente", "Heute pro Agent", "Aujourd'hui par agent", "Hoy por agente"},
	"agents.agent":     {"Agent", "Agente", "Agent", "Agent", "Agente"},

	// Filters.
	"filter.search":             {"Search", "Cerca", "Suche", "Rechercher", "Buscar"},
	"filter.search_placeholder": {"Name or extension", "Nome o interno", "Name oder Durchwahl", "Nom ou poste", "Nombre o extensión"},
	"filter.group":              {"Group", "Gruppo", "Gruppe", "Groupe", "Grupo"},
	"filter.department":         {"Department", "Reparto", "Abteilung", "Service", "Departamento"},
	"filter.queue":              {"Queue", "Coda", "Warteschlange", "File", "Cola"},
	"filter.all":                {"All", "Tutti", "Alle", "Tous", "Todos"},
	"filter.sort":               {"Sort by", "Ordina per", "Sortieren nach", "Trier par", "Ordenar por"},
	"filter.sort_name":          {"Name", "Nome", "Name", "Nom", "Nombre"},
	"filter.sort_state":         {"State", "Stato", "Status", "État", "Estado"},
	"filter.sort_since":         {"Time in state", "Tempo nello stato", "Zeit im Status", "Temps dans l'état", "Tiempo en el estado"},
	"filter.sort_exceptions":    {"Exceptions first", "Prima le eccezioni", "Ausnahmen zuerst", "Exceptions d'abord", "Excepciones primero"},
	"filter.free_only":          {"Free only", "Solo liberi", "Nur freie", "Libres seulement", "Solo libres"},
	"filter.colleagues":         {"Search colleagues", "Cerca colleghi", "Kollegen suchen", "Rechercher des collègues", "Buscar compañeros"},
	"filter.colleagues_hint":    {"Search by name or extension", "Cerca per nome o interno", "Nach Name oder Durchwahl suchen", "Rechercher par nom ou poste", "Buscar por nombre o extensión"},

	// The legend: which signal colours a tile.
	"legend.title":     {"Legend: what colours a tile", "Legenda: cosa colora un riquadro", "Legende: was eine Kachel färbt", "Légende : ce qui colore une tuile", "Leyenda: qué colorea una tarjeta"},
	"legend.intro":     {"The first line that applies wins. Hover a tile to read the signal that chose it.", "Vale la prima riga che si applica. Passa sopra un riquadro per leggere il segnale che l'ha scelto.", "Die erste zutreffende Zeile gilt. Zeigen Sie auf eine Kachel, um das Signal zu lesen, das sie bestimmt hat.", "La première ligne applicable l'emporte. Survolez une tuile pour lire le signal qui l'a choisie.", "Gana la primera línea que se aplica. Pase el ratón sobre una tarjeta para leer la señal que la eligió."},
	"legend.rt":        {"The phone reports a call in progress and another ringing.", "Il telefono segnala una chiamata in corso e un'altra che squilla.", "Das Telefon meldet ein laufendes Gespräch und einen weiteren klingelnden Anruf.", "Le téléphone signale un appel en cours et un autre qui sonne.", "El teléfono indica una llamada en curso y otra sonando."},
	"legend.talking":   {"The phone reports a call, or the user is a party of a connected or held call, or is dialling.", "Il telefono segnala una chiamata, oppure l'utente partecipa a una chiamata connessa o in attesa, o sta componendo.", "Das Telefon meldet ein Gespräch, oder der Benutzer ist an einem verbundenen oder gehaltenen Anruf beteiligt oder wählt gerade.", "Le téléphone signale un appel, ou l'utilisateur participe à un appel connecté ou en attente, ou compose un numéro.", "El teléfono indica una llamada, o el usuario participa en una llamada conectada o en espera, o está marcando."},
	"legend.ringing":   {"The phone reports ringing, or the user is the callee of a ringing call.", "Il telefono segnala che squilla, oppure l'utente è il destinatario di una chiamata che squilla.", "Das Telefon meldet Klingeln, oder der Benutzer ist der Angerufene eines klingelnden Anrufs.", "Le téléphone signale une sonnerie, ou l'utilisateur est l'appelé d'un appel qui sonne.", "El teléfono indica que suena, o el usuario es el destinatario de una llamada que suena."},
	"legend.dnd":       {"The phone is idle and the user's status is Do not disturb (or Busy).", "Il telefono è libero e lo stato dell'utente è Non disturbare (o Occupato).", "Das Telefon ist frei und der Status des Benutzers ist Nicht stören (oder Beschäftigt).", "Le téléphone est libre et le statut de l'utilisateur est Ne pas déranger (ou Occupé).", "El teléfono está libre y el estado del usuario es No molestar (u Ocupado)."},
	"legend.away":      {"The phone is idle and the user's status is Away.", "Il telefono è libero e lo stato dell'utente è Assente.", "Das Telefon ist frei und der Status des Benutzers ist Abwesend.", "Le téléphone est libre et le statut de l'utilisateur est Absent.", "El teléfono está libre y el estado del usuario es Ausente."},
	"legend.available": {"The phone is registered and idle, and the status is Available, not set, or one the PBX does not document (shown as received).", "Il telefono è registrato e libero, e lo stato è Disponibile, non impostato o uno che il centralino non documenta (mostrato come ricevuto).", "Das Telefon ist registriert und frei, und der Status ist Verfügbar, nicht gesetzt oder einer, den die Telefonanlage nicht dokumentiert (wie empfangen angezeigt).", "Le téléphone est enregistré et libre, et le statut est Disponible, non défini ou un statut que le PBX ne documente pas (affiché tel que reçu).", "El teléfono está registrado y libre, y el estado es Disponible, no definido o uno que la centralita no documenta (se muestra tal como llega)."},
	"legend.offline":   {"The phone reports another state, e.g. unregistered, or the user's status is Offline or Unavailable.", "Il telefono segnala un altro stato, ad es. non registrato, oppure lo stato dell'utente è Offline o Non disponibile.", "Das Telefon meldet einen anderen Zustand, z. B. nicht registriert, oder der Status des Benutzers ist Offline oder Nicht verfügbar.", "Le téléphone signale un autre état, p. ex. non enregistré, ou le statut de l'utilisateur est Hors ligne ou Indisponible.", "El teléfono indica otro estado, p. ej. no registrado, o el estado del usuario es Desconectado o No disponible."},
	"legend.unknown":   {"Nothing reported yet.", "Ancora nessuna segnalazione.", "Noch nichts gemeldet.", "Rien de signalé pour l'instant.", "Aún no hay datos."},

	// Figures: each label, and the formula and window it counts over.
	"figure.window":               {"today: completed calls since 00:00 in the board's time zone, reset at midnight", "oggi: chiamate completate dalle 00:00 nel fuso orario della bacheca, azzerate a mezzanotte", "heute: abgeschlossene Anrufe seit 00:00 in der Zeitzone der Tafel, um Mitternacht zurückgesetzt", "aujourd'hui : appels terminés depuis 00:00 dans le fuseau horaire du tableau, remis à zéro à minuit", "hoy: llamadas completadas desde las 00:00 en la zona horaria del panel, reiniciadas a medianoche"},
	"figure.waiting":              {"Waiting", "In attesa", "Wartend", "En attente", "En espera"},
	"figure.waiting.explain":      {"Live: calls in this queue ringing now, not yet answered by an agent.", "In tempo reale: chiamate di questa coda che squillano ora, non ancora risposte da un agente.", "Live: Anrufe dieser Warteschlange, die gerade klingeln und noch von keinem Agenten angenommen wurden.", "En direct : appels de cette file qui sonnent maintenant, sans réponse d'un agent.", "En directo: llamadas de esta cola que suenan ahora, aún sin respuesta de un agente."},
	"figure.longest":              {"Longest", "Più lunga", "Längste", "Plus longue", "Más larga"},
	"figure.longest.explain":      {"Live: how long the longest-waiting call in this queue has waited so far (ticks).", "In tempo reale: da quanto attende la chiamata in attesa da più tempo in questa coda (si aggiorna).", "Live: wie lange der am längsten wartende Anruf dieser Warteschlange bisher wartet (läuft mit).", "En direct : depuis combien de temps attend l'appel le plus ancien de cette file (défile).", "En directo: cuánto lleva esperando la llamada que más espera en esta cola (avanza)."},
	"figure.talking":              {"Talking", "Al telefono", "Im Gespräch", "En ligne", "Hablando"},
	"figure.talking.explain":      {"Live: calls from this queue connected to an agent or on hold now.", "In tempo reale: chiamate di questa coda connesse a un agente o in attesa ora.", "Live: Anrufe dieser Warteschlange, die gerade mit einem Agenten verbunden oder gehalten sind.", "En direct : appels de cette file connectés à un agent ou en attente maintenant.", "En directo: llamadas de esta cola conectadas a un agente o en espera ahora."},
	"figure.free":                 {"Free", "Liberi", "Frei", "Libres", "Libres"},
	"figure.free.explain":         {"Live: members of this queue free now (tile Available) / its members. The PBX does not say who is in a queue: a member is anyone a call of this queue rang or reached today (members are learned from today's queue calls and forgotten at midnight); – until a queue call shows one.", "In tempo reale: membri di questa coda liberi ora (riquadro Disponibile) / i suoi membri. Il centralino non dice chi è in una coda: è membro chiunque una chiamata di questa coda abbia fatto squillare o raggiunto oggi (i membri si imparano dalle chiamate di oggi e si dimenticano a mezzanotte); – finché una chiamata della coda non ne mostra uno.", "Live: jetzt freie Mitglieder dieser Warteschlange (Kachel Verfügbar) / ihre Mitglieder. Die Telefonanlage sagt nicht, wer in einer Warteschlange ist: Mitglied ist, wen ein Anruf dieser Warteschlange heute angeklingelt oder erreicht hat (Mitglieder werden aus den heutigen Anrufen gelernt und um Mitternacht vergessen); – bis ein Anruf der Warteschlange eines zeigt.", "En direct : membres de cette file libres maintenant (tuile Disponible) / ses membres. Le PBX ne dit pas qui est dans une file : est membre toute personne qu'un appel de cette file a fait sonner ou atteint aujourd'hui (les membres sont appris des appels du jour et oubliés à minuit) ; – tant qu'aucun appel de la file n'en montre un.", "En directo: miembros de esta cola libres ahora (tarjeta Disponible) / sus miembros. La centralita no dice quién está en una cola: es miembro cualquiera a quien una llamada de esta cola haya hecho sonar o alcanzado hoy (los miembros se aprenden de las llamadas de hoy y se olvidan a medianoche); – hasta que una llamada de la cola muestre uno."},
	"figure.answered":             {"Answered", "Risposte", "Angenommen", "Répondus", "Atendidas"},
	"figure.answered.explain":     {"Queue calls answered by an agent, %s.", "Chiamate della coda risposte da un agente, %s.", "Von einem Agenten angenommene Anrufe der Warteschlange, %s.", "Appels de la file répondus par un agent, %s.", "Llamadas de la cola atendidas por un agente, %s."},
	"figure.missed":               {"Missed", "Perse", "Verpasst", "Manqués", "Perdidas"},
	"figure.missed.explain":       {"Queue calls that ended without an agent answering, %s.", "Chiamate della coda terminate senza risposta di un agente, %s.", "Anrufe der Warteschlange, die ohne Annahme durch einen Agenten endeten, %s.", "Appels de la file terminés sans réponse d'un agent, %s.", "Llamadas de la cola que terminaron sin que un agente respondiera, %s."},
	"figure.avg_wait":             {"Avg wait", "Attesa media", "Ø Wartezeit", "Attente moy.", "Espera media"},
	"figure.avg_wait.explain":     {"Total wait of the answered queue calls ÷ answered calls, %s. Missed calls are not included.", "Attesa totale delle chiamate risposte della coda ÷ chiamate risposte, %s. Le chiamate perse non sono incluse.", "Gesamte Wartezeit der angenommenen Anrufe ÷ angenommene Anrufe, %s. Verpasste Anrufe zählen nicht.", "Attente totale des appels répondus de la file ÷ appels répondus, %s. Les appels manqués ne sont pas comptés.", "Espera total de las llamadas atendidas de la cola ÷ llamadas atendidas, %s. Las llamadas perdidas no se incluyen."},
	"figure.avg_talk":             {"Avg talk", "Conversazione media", "Ø Gesprächszeit", "Conversation moy.", "Conversación media"},
	"figure.avg_talk.explain":     {"Total talk time of the answered queue calls ÷ answered calls, %s.", "Tempo totale di conversazione delle chiamate risposte della coda ÷ chiamate risposte, %s.", "Gesamte Gesprächszeit der angenommenen Anrufe ÷ angenommene Anrufe, %s.", "Temps de conversation total des appels répondus de la file ÷ appels répondus, %s.", "Tiempo total de conversación de las llamadas atendidas de la cola ÷ llamadas atendidas, %s."},
	"figure.agent_answered":       {"Calls this agent answered, %s.", "Chiamate a cui questo agente ha risposto, %s.", "Von diesem Agenten angenommene Anrufe, %s.", "Appels auxquels cet agent a répondu, %s.", "Llamadas que este agente atendió, %s."},
	"figure.agent_missed":         {"Calls offered to this agent that they did not answer, %s.", "Chiamate offerte a questo agente a cui non ha risposto, %s.", "Diesem Agenten angebotene Anrufe, die er nicht angenommen hat, %s.", "Appels proposés à cet agent auxquels il n'a pas répondu, %s.", "Llamadas ofrecidas a este agente que no atendió, %s."},
	"figure.agent_avg_talk":       {"This agent's total talk time ÷ calls they answered, %s.", "Tempo totale di conversazione di questo agente ÷ chiamate risposte, %s.", "Gesamte Gesprächszeit dieses Agenten ÷ von ihm angenommene Anrufe, %s.", "Temps de conversation total de cet agent ÷ appels répondus, %s.", "Tiempo total de conversación de este agente ÷ llamadas atendidas, %s."},
	"figure.agent_answered.label": {"Answered", "Risposte", "Angenommen", "Répondus", "Atendidas"},
	"figure.agent_missed.label":   {"Missed", "Perse", "Verpasst", "Manqués", "Perdidas"},
	"figure.agent_avg_talk.label": {"Avg talk", "Conversazione media", "Ø Gesprächszeit", "Conversation moy.", "Conversación media"},

	// Login.
	"login.title":      {"Log in · %s", "Accedi · %s", "Anmelden · %s", "Connexion · %s", "Iniciar sesión · %s"},
	"login.email":      {"Email", "Email", "E-Mail", "E-mail", "Correo electrónico"},
	"login.password":   {"Password", "Password", "Passwort", "Mot de passe", "Contraseña"},
	"login.submit":     {"Log in", "Accedi", "Anmelden", "Se connecter", "Iniciar sesión"},
	ProblemUnavailable: {"Signing in is unavailable for a moment. Try again shortly.", "L'accesso non è disponibile per un momento. Riprova tra poco.", "Die Anmeldung ist kurz nicht verfügbar. Versuchen Sie es gleich noch einmal.", "La connexion est indisponible pour un instant. Réessayez dans un moment.", "El inicio de sesión no está disponible por un momento. Inténtelo en breve."},
	ProblemThrottled:   {"Too many failed attempts. Try again later.", "Troppi tentativi falliti. Riprova più tardi.", "Zu viele Fehlversuche. Versuchen Sie es später erneut.", "Trop de tentatives échouées. Réessayez plus tard.", "Demasiados intentos fallidos. Inténtelo más tarde."},
	ProblemWrong:       {"The email or the password is not right.", "L'email o la password non sono corretti.", "E-Mail oder Passwort ist nicht richtig.", "L'e-mail ou le mot de passe est incorrect.", "El correo o la contraseña no son correctos."},

	// The words the browser writes itself (static/src/words.js): the
	// connection indicator, alerts, pagers, empty searches, timers.
	"js.live":             {"Live", "In diretta", "Live", "En direct", "En directo"},
	"js.reconnecting":     {"Reconnecting…", "Riconnessione…", "Verbinde neu…", "Reconnexion…", "Reconectando…"},
	"js.staleSince":       {"Stale since {time}", "Non aggiornato dalle {time}", "Veraltet seit {time}", "Périmé depuis {time}", "Desactualizado desde las {time}"},
	"js.notLive":          {"Not live — data from {time}, reconnecting", "Non in diretta — dati delle {time}, riconnessione", "Nicht live — Daten von {time}, verbinde neu", "Pas en direct — données de {time}, reconnexion", "No en directo — datos de las {time}, reconectando"},
	"js.busy":             {"Busy", "Occupata", "Ausgelastet", "Chargée", "Ocupada"},
	"js.critical":         {"Critical", "Critica", "Kritisch", "Critique", "Crítica"},
	"js.alert":            {"{level}: {queue}", "{level}: {queue}", "{level}: {queue}", "{level} : {queue}", "{level}: {queue}"},
	"js.longest":          {" · longest ", " · più lunga ", " · längste ", " · plus longue ", " · más larga "},
	"js.acknowledge":      {"Acknowledge", "Conferma", "Bestätigen", "Acquitter", "Confirmar"},
	"js.acknowledgeQueue": {"Acknowledge, {queue}", "Conferma, {queue}", "Bestätigen, {queue}", "Acquitter, {queue}", "Confirmar, {queue}"},
	"js.snooze":           {"Snooze 10 min", "Posticipa 10 min", "10 Min. pausieren", "Reporter de 10 min", "Posponer 10 min"},
	"js.snoozeQueue":      {"Snooze 10 min, {queue}", "Posticipa 10 min, {queue}", "10 Min. pausieren, {queue}", "Reporter de 10 min, {queue}", "Posponer 10 min, {queue}"},
	"js.acknowledgedBy":   {"{queue}: {level} acknowledged by {by} at {time}", "{queue}: {level} confermato da {by} alle {time}", "{queue}: {level} bestätigt von {by} um {time}", "{queue} : {level} acquitté par {by} à {time}", "{queue}: {level} confirmado por {by} a las {time}"},
	"js.acknowledgedAt":   {"{queue}: {level} acknowledged at {time}", "{queue}: {level} confermato alle {time}", "{queue}: {level} bestätigt um {time}", "{queue} : {level} acquitté à {time}", "{queue}: {level} confirmado a las {time}"},
	"js.snoozedBy":        {"{queue}: snoozed by {by} until {time}", "{queue}: posticipato da {by} fino alle {time}", "{queue}: pausiert von {by} bis {time}", "{queue} : reporté par {by} jusqu'à {time}", "{queue}: pospuesto por {by} hasta las {time}"},
	"js.snoozedUntil":     {"{queue}: snoozed until {time}", "{queue}: posticipato fino alle {time}", "{queue}: pausiert bis {time}", "{queue} : reporté jusqu'à {time}", "{queue}: pospuesto hasta las {time}"},
	"js.soundOn":          {"Sound on", "Audio attivo", "Ton an", "Son activé", "Sonido activado"},
	"js.soundOff":         {"Sound off", "Audio disattivato", "Ton aus", "Son désactivé", "Sonido desactivado"},
	"js.page":             {"Page {page} of {pages}", "Pagina {page} di {pages}", "Seite {page} von {pages}", "Page {page} sur {pages}", "Página {page} de {pages}"},
	"js.more":             {"+{n} more", "+{n} altri", "+{n} weitere", "+{n} de plus", "+{n} más"},
	"js.noMatch":          {"No colleague matches “{q}”", "Nessun collega corrisponde a «{q}»", "Kein Kollege passt zu „{q}“", "Aucun collègue ne correspond à « {q} »", "Ningún compañero coincide con «{q}»"},
	"js.noMatchFree":      {"No free colleague matches “{q}”", "Nessun collega libero corrisponde a «{q}»", "Kein freier Kollege passt zu „{q}“", "Aucun collègue libre ne correspond à « {q} »", "Ningún compañero libre coincide con «{q}»"},
	"js.noneFree":         {"No colleague is free", "Nessun collega è libero", "Kein Kollege ist frei", "Aucun collègue n'est libre", "Ningún compañero está libre"},
	"js.hoursMinutes":     {"{h}h {m}m", "{h} h {m} min", "{h} Std. {m} Min.", "{h} h {m} min", "{h} h {m} min"},
}

// plurals are the texts that depend on a count (their first %d): the
// singular ("one") and plural ("other") form per language.
var plurals = map[string][5][2]string{
	"conference.people": {
		{"1 person in the call: %[2]s", "%[1]d people in the call: %[2]s"},
		{"1 persona nella chiamata: %[2]s", "%[1]d persone nella chiamata: %[2]s"},
		{"1 Person im Gespräch: %[2]s", "%[1]d Personen im Gespräch: %[2]s"},
		{"1 personne dans l'appel : %[2]s", "%[1]d personnes dans l'appel : %[2]s"},
		{"1 persona en la llamada: %[2]s", "%[1]d personas en la llamada: %[2]s"},
	},
}

// Problems the login page can show (Login.Problem).
const (
	ProblemUnavailable = "login.unavailable" // the login service cannot check a password now
	ProblemThrottled   = "login.throttled"   // too many failed attempts
	ProblemWrong       = "login.wrong"       // the email or the password is not right
)
