from . import components
from . import controllers
from . import models
from . import services
from . import wizards
