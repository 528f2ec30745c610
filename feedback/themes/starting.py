"""The airline themes a new installation starts with (loaded by a data migration).

English names are a contract: outside scripts read them (`manage.py tag_comment`). Words
follow the forms of feedback/themes/tagging.py: a plain word matches by its stem, `word*`
by its start, `*word` by its end, `*word*` anywhere inside, `=word` exactly, and several
words in a row as a phrase. Measured on the labelled comments: docs/metrics.md, "Themes".
"""

STARTING_THEMES = [
    {
        "name": {
            "en": "Queue and waiting",
            "sv": "Kö och väntan",
            "da": "Kø og ventetid",
            "nb": "Kø og venting",
        },
        "en": "queue*\nqueuing\nline\nlines\nwait*\ncrowded\ntook forever\ntook ages\n"
        "ages\nforever",
        "sv": "kö\nkön\nköer\nköerna\nköa\nköade\nköande\nköat\n*kön\nvänt*\n*väntan\n"
        "*väntetid\ntog evigheter\nevigheter\ntrångt",
        "da": "kø\nkøen\nkøer\nkøerne\nkøkaos\nvent*\n*ventetid\ntog evigheder\nevigheder\n"
        "trængsel",
        "nb": "kø\nkøen\nkøer\nkøene\nkøa\nvent*\n*ventetid\n*venting\ntok evigheter\n"
        "evigheter\ntrengsel",
    },
    {
        "name": {
            "en": "Delay and cancellation",
            "sv": "Försening och inställt",
            "da": "Forsinkelse og aflysning",
            "nb": "Forsinkelse og innstilling",
        },
        "en": "delay*\nlate\ncancel*\npostpone*\nmissed my connection\nmissed the connection\n"
        "missed connection\nmissed my flight\non time\npunctual*\ndeparted late",
        "sv": "försen*\n*försening*\ninställ*\nställdes in\nställts in\nmissade anslutningen\n"
        "missade flyget\nmissade mitt flyg\ni tid\npunktlig*\nför sent\nkom sent\n"
        "avgick sent",
        "da": "forsink*\n*forsinkelse*\naflys*\nmistede forbindelsen\nmistede flyet\n"
        "misset flyet\ntil tiden\npunktlig*\nfor sent\nkom sent",
        "nb": "forsink*\n*forsinkelse*\ninnstil*\nkansell*\nmistet forbindelsen\nmistet flyet\n"
        "rakk ikke\ni rute\npunktlig*\nfor sent\nkom sent",
    },
    {
        "name": {"en": "Baggage", "sv": "Bagage", "da": "Bagage", "nb": "Bagasje"},
        "en": "bag\nbags\nbaggage*\nluggage*\nsuitcase*\nbelt\ncarousel\ncarry-on\nbag drop",
        "sv": "väska\nväskan\nväskor\nväskorna\n*väska\n*väskan\n*väskor\n*väskorna\nbagage*\n"
        "*bagage\n*bagaget\nbagageband*",
        "da": "kuffert*\n*kuffert\n*kufferten\ntaske\ntasken\ntasker\nbagage*\n*bagage\n"
        "*bagagen\nbagagebånd*",
        "nb": "koffert*\n*koffert\n*kofferten\nbag\nbagen\nbagasje*\n*bagasje\n*bagasjen\n"
        "bagasjebånd*",
    },
    {
        "name": {
            "en": "Staff attitude",
            "sv": "Personalens bemötande",
            "da": "Personalets attitude",
            "nb": "Personalets holdning",
        },
        "en": "=friendly\n=unfriendly\n=friendliest\n=friendlier\nrude*\npolite*\nimpolite*\n"
        "kindness\nvery kind\nso kind\n=helpful\n=unhelpful\nsmil*\nattitude\nwelcoming\n"
        "arrogant*\ncourteous\ngrumpy\nnice staff\nlovely staff\nwarm welcome\nbad mood\n"
        "treated us\ntreated me\ndismissive\nsnapped at",
        "sv": "vänlig*\novänlig*\n*trevlig*\noförskämd*\nartig*\noartig*\nhjälpsam*\n"
        "bemöt*\nleende\nle\nlog\nsur\nsura\nburdus*\narrogant*\ntrevligt bemötande\n"
        "behandlade\nfräste\nomtänksam*\nvänligt",
        "da": "venlig*\nuvenlig*\nflink*\nsød\nsøde\nhøflig*\nuhøflig*\nhjælpsom*\n"
        "imødekommende\nsmil*\nsur\nsure\narrogant*\nbehandlede os\nbehandlede mig\nomsorgsfuld*\n"
        "afvisende\nfrække\nsnerrede",
        "nb": "vennlig*\nuvennlig*\nuhøflig*\nhøflig*\nhjelpsom*\nimøtekommende\n"
        "smil*\nsur\nsure\narrogant*\nblid\nfrekk*\nbehandlet oss\nbehandlet meg\nomtenksom*\n"
        "avvisende\nkjeftet",
    },
    {
        "name": {
            "en": "Staff knowledge",
            "sv": "Personalens kunskap",
            "da": "Personalets viden",
            "nb": "Personalets kunnskap",
        },
        "en": "knowledge*\nknowledgeable\ndidn't know\ndid not know\nno idea\nclueless\n"
        "competent\nincompetent\nprofessional*\nunprofessional*\nexpert*\nexplained\n"
        "could not answer\ncouldn't answer\nexperienced\ninexperienced\ntrained\nuntrained\n"
        "knew exactly\nknew what\nknew the answer*\ndifferent answers\nsolved\nsorted it out",
        "sv": "kunnig*\nokunnig*\nkompetent*\ninkompetent*\nprofessionell*\noprofessionell*\n"
        "visste inte\ningen aning\nkunskap*\nerfaren*\noerfaren*\nförklarade\nkunde inte svara\n"
        "duktig*\nvisste exakt\nvisste precis\nlöste\nolika svar\nsvara på allt\nutbildning*\n"
        "outbildad*",
        "da": "kompetent*\ninkompetent*\nprofessionel*\nuprofessionel*\nvidste ikke\nanede ikke\n"
        "ingen anelse\nkendskab\nviden\nerfaren*\nuerfaren*\nforklarede\nkunne ikke svare\n"
        "dygtig*\nvidste præcis\nløste\nforskellige svar\nsvare på alt\noplært\nuoplært",
        "nb": "kunnskap*\nkompetent*\ninkompetent*\nprofesjonell*\nuprofesjonell*\nvisste ikke\n"
        "ante ikke\ningen anelse\nerfaren*\nuerfaren*\nforklarte\nkunne ikke svare\ndyktig*\n"
        "flink*\nvisste nøyaktig\nløste\nforskjellige svar\nsvare på alt\nopplært\nuopplært",
    },
    {
        "name": {"en": "Seat", "sv": "Sittplats", "da": "Siddeplads", "nb": "Sete"},
        "en": "seat*\nlegroom\nleg room\naisle\nrecline*\nupgrade*\nsat alone\nsit together\n"
        "split up",
        "sv": "säte*\nstol\nstolen\nstolar\nsittplats*\n*plats bredvid\nfönsterplats*\n"
        "mittplats*\ngångplats*\nbenutrymme*\nuppgrader*\nsitta bredvid\nsatt bredvid\n"
        "sitta tillsammans\nsitta ensam",
        "da": "sæde*\n*sæde\n*sædet\nsiddeplads*\nvinduesplads*\nmidterplads*\ngangplads*\n"
        "benplads*\nopgrader*\nsidde ved siden af\nsidde sammen\nsad ved siden af\nsad alene\n"
        "vælge plads",
        "nb": "sete\nsetet\nseter\nseteplass*\nsitteplass*\nvindusplass*\nmidtsete*\n"
        "midtgangsplass*\nbeinplass*\nbenplass*\noppgrader*\nsitte sammen\nsitte ved siden av\n"
        "sitte alene",
    },
    {
        "name": {
            "en": "Boarding",
            "sv": "Ombordstigning",
            "da": "Boarding",
            "nb": "Ombordstigning",
        },
        "en": "=boarding\n=boarded\ngate change\ncalled my group\njet bridge\nbus to the plane\n"
        "board the plane\nboard the aircraft\nboarding group\nboarding queue",
        "sv": "ombordstigning*\n=boarding\n=boardingen\ngatebyte*\nropade upp\n"
        "bussen ut till planet\n"
        "gick ombord\ngå ombord\nbussen till planet",
        "da": "=boarding\n=boardingen\nombordstigning*\ngateskift*\nkaldte min gruppe\n"
        "bussen ud til flyet\n"
        "gik om bord\ngå om bord\nbussen til flyet",
        "nb": "=boarding\n=boardingen\nombordstigning*\ngatebytte*\nropte opp\n"
        "bussen ut til flyet\n"
        "gikk om bord\ngå om bord\nbussen til flyet",
    },
    {
        "name": {
            "en": "Check-in machines",
            "sv": "Incheckningsautomater",
            "da": "Check-in-automater",
            "nb": "Innsjekkingsautomater",
        },
        "en": "kiosk*\nmachine*\nself-service\nself service\nself check-in\nautomat*\n"
        "touch screen\nprinter\nbag tag\nbag tags\nbag label\nprint*",
        "sv": "*automat*\n*maskin\n*maskinen\n*maskiner\n*maskinerna\nmaskin*\nsjälvbetjäning*\n"
        "skrivare*\nskriva ut\nskrev ut\nskrevs ut\nbagagetagg*\nbagagelapp*\npekskärm*",
        "da": "*automat*\nmaskin*\n*maskine\n*maskinen\n*maskiner\nselvbetjening*\nselvbetjent\n"
        "printer*\nprint*\nbagagemærke*\nbagagelabel*\nberøringsskærm*",
        "nb": "*automat*\nmaskin*\n*maskin\n*maskinen\n*maskiner\nselvbetjening*\nselvbetjent\n"
        "skriver\nskrev ikke ut\nskrive ut\nprint*\nbagasjelapp*\nberøringsskjerm*",
    },
    {
        "name": {
            "en": "App and web",
            "sv": "App och webb",
            "da": "App og web",
            "nb": "App og nett",
        },
        "en": "app\napps\nwebsite*\nweb\nonline\n=mobile\nlogin\nlog in\nlogged out\nlogged in\n"
        "the site\nbrowser",
        "sv": "app\nappen\nappar\nhemsida*\nwebb*\n*sajt\n*sajten\nonline\nnätet\ninloggning*\n"
        "logga in\nloggade ut\nmobilen\nmobil",
        "da": "app\nappen\napps\nhjemmeside*\nweb*\nonline\nnettet\nlog ind\nlogin\nloggede ud\n"
        "mobilen\nmobil",
        "nb": "app\nappen\napper\nnettside*\nhjemmeside*\nweb*\nonline\nnett\nnettet\nlogge inn\n"
        "innlogging*\nmobilen\nmobil",
    },
    {
        "name": {
            "en": "Price and fees",
            "sv": "Pris och avgifter",
            "da": "Pris og gebyrer",
            "nb": "Pris og gebyrer",
        },
        "en": "price*\npricing\nexpensive\noverpriced\ncheap*\nfee\nfees\ncharge\ncharged\n"
        "charges\ncost*\npaid\npay\npaying\nsurcharge*\nvalue for money",
        "sv": "pris*\n*pris\n*priset\ndyr\ndyrt\ndyra\nbillig*\navgift*\n*avgift\n*avgiften\n"
        "kostnad*\nkosta\nkostar\nkostade\nbetala*\nbetald*\nvärt pengarna\nför pengarna\n"
        "överpris*",
        "da": "pris*\n*pris\n*prisen\ndyr\ndyrt\ndyre\nbillig*\ngebyr*\n*gebyr\n*gebyret\n"
        "afgift*\nkoste\nkoster\nkostede\nbetal*\npengene værd\noverpris*",
        "nb": "pris*\n*pris\n*prisen\ndyr\ndyrt\ndyre\nbillig*\ngebyr*\n*gebyr\n*gebyret\n"
        "avgift*\nkoste\nkoster\nkostet\nkostnad*\nbetal*\nverdt pengene\noverpris*",
    },
    {
        "name": {
            "en": "Refund and compensation",
            "sv": "Återbetalning och ersättning",
            "da": "Refusion og kompensation",
            "nb": "Refusjon og kompensasjon",
        },
        "en": "refund*\ncompensat*\nreimburse*\nvoucher*\nmoney back\nmy claim\nclaim form\n"
        "filed a claim\neu261\neu 261",
        "sv": "återbetal*\nersättning*\nkompensation*\nkompenser*\nvoucher*\nvärdecheck*\n"
        "tillgodokvitto*\npengarna tillbaka\nreklamation*\nkrav på ersättning",
        "da": "refusion*\nrefunder*\ntilbagebetal*\nkompensation*\nkompenser*\nerstatning*\n"
        "voucher*\nværdibevis*\npengene tilbage\nrefundering*",
        "nb": "refusjon*\nrefunder*\ntilbakebetal*\nkompensasjon*\nkompenser*\nerstatning*\n"
        "voucher*\nverdikupong*\npengene tilbake\nreklamasjon*",
    },
    {
        "name": {"en": "Food", "sv": "Mat", "da": "Mad", "nb": "Mat"},
        "en": "food\nmeal*\nsnack*\nsandwich*\ncoffee\ntea\ndrink*\nwater\nbreakfast\nlunch\n"
        "dinner\nvegetarian\nvegan\ngluten*\nmenu\ncatering\nfood voucher*",
        "sv": "mat\nmaten\nmåltid*\n*måltid\n*måltiden\nsmörgås*\nmacka\nmackan\nkaffe*\n"
        "*kaffe\nte\ndryck*\nvatten\nvattnet\nfrukost*\nlunch*\nmiddag*\nvegetarisk*\nvegansk*\n"
        "glutenfri*\nmeny*\nsnacks\nmatkupong*",
        "da": "mad\nmaden\nmåltid*\n*måltid\nsandwich*\nkaffe*\n*kaffe\nte\ndrik*\nvand\nvandet\n"
        "morgenmad*\nfrokost*\naftensmad*\nvegetar*\nvegansk*\nglutenfri*\nmenu*\nsnacks\n"
        "madkupon*",
        "nb": "mat\nmaten\nmåltid*\n*måltid\nsmørbrød*\nbaguett*\nkaffe*\n*kaffe\nte\ndrikke*\n"
        "vann\nvannet\nfrokost*\nlunsj*\nmiddag*\nvegetar*\nvegansk*\nglutenfri*\nmeny*\n"
        "snacks\nmatkupong*",
    },
    {
        "name": {"en": "Cleanliness", "sv": "Renlighet", "da": "Renlighed", "nb": "Renhold"},
        "en": "clean*\nunclean\ndirty\nfilth*\ndust*\nsmell*\nstink*\ntoilet*\nrestroom*\n"
        "bathroom*\nlavatory\ntrash\nrubbish\nlitter*\nhygien*\nsticky\nstain*\ncrumbs\n"
        "messy\ntidy\nuntidy\nspotless",
        "sv": "ren\nrena\nsmuts*\n*smutsig*\nskitig*\nlukt*\nluktade\nstank\nstinker\ntoalett*\n"
        "*toalett*\ntoa\ntoan\nskräp*\nhygien*\nkladdig*\nfläck*\nstäd*\n*städad*\nsmul*",
        "da": "snavs*\nskinnende ren\nbeskidt*\nuhumsk\nlugt*\nlugtede\nstank\nstinker\n"
        "toilet*\n*toilet*\nskrald*\naffald\nhygiejne*\nklistret\nplet*\nrengør*\n*rengjort\n"
        "rodet\nsnasket\nkrummer",
        "nb": "skitt*\nskinnende ren\nmøkk*\nlukt*\nluktet\nstank\nstinket\ntoalett*\n*toalett*\n"
        "søppel*\nhygiene*\nklissete\nflekk*\nrengjør*\nrenhold*\nrotete\nsmuler",
    },
    {
        "name": {
            "en": "Information",
            "sv": "Information",
            "da": "Information",
            "nb": "Informasjon",
        },
        "en": "information\ninformed\ninform*\nannounce*\nupdate*\nkept us in the dark\n"
        "nobody told\nno one told\nsigns\nsignage\ncommunicat*\nnotif*\ntext message\n"
        "departure screen*\ninformation screen*\nscreens\nsms",
        "sv": "information*\ninformer*\ninfo\nbesked*\nutrop*\nhögtalar*\nuppdater*\nskylt*\n"
        "*skylt*\nmeddelande*\nsms*\nkommunikation*\nkommunicer*\nfick inte veta\n"
        "ingen sa något\nfick veta\novetande\nskärmarna",
        "da": "information*\ninformer*\ninfo\nbesked*\nmeddelelse*\nudmelding*\nopdater*\nskilt*\n"
        "*skilt*\nsms*\nkommunikation*\nkommuniker*\nfik ikke at vide\nfik at vide\n"
        "højttaler*\nuvished\nskærmene",
        "nb": "informasjon*\ninformer*\ninfo\nbeskjed*\nmelding*\noppdater*\nskilt*\n*skilt*\n"
        "sms*\nkommunikasjon*\nkommuniser*\nfikk ikke vite\nfikk vite\nhøyttaler*\nuvisshet\n"
        "sa fra\nskjermene",
    },
    {
        "name": {
            "en": "Special assistance",
            "sv": "Särskild assistans",
            "da": "Særlig assistance",
            "nb": "Spesialassistanse",
        },
        "en": "wheelchair*\nspecial assistance\nassistance service\nassisted\ndisabled\n"
        "disabilit*\nreduced mobility\nunaccompanied\npram\nstroller*\nblind\ndeaf\ncrutches\n"
        "special needs\nwalking frame\nprm",
        "sv": "rullstol*\n*rullstol*\nassistans*\nledsag*\nfunktionsnedsättning*\n"
        "funktionshind*\nrörelsehind*\nrullator*\nensamresande\nensamkommande\nblind\ndöv\n"
        "kryckor\nsärskild hjälp\nbarnvagn*",
        "da": "kørestol*\n*kørestol*\nassistance*\nhandicap*\nledsag*\nbevægelseshæmmet\n"
        "rollator*\nuledsaget\nbarnevogn*\nklapvogn*\nblind\ndøv\nkrykker\nsærlig hjælp",
        "nb": "rullestol*\n*rullestol*\nassistanse*\nledsag*\nfunksjonsnedsett*\n"
        "bevegelseshemmet\nrullator*\nenslig mindreårig\nbarnevogn*\nblind\ndøv\nkrykker\n"
        "spesiell assistanse\nspesialassistanse",
    },
]
